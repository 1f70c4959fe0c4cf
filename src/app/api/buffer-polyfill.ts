// aws-api-gateway-client was written for Node: its helpers reach for Buffer.
// Imported before it (module order), and only in the lazy API chunk.
import { Buffer } from 'buffer';

const scope = globalThis as { Buffer?: unknown };
scope.Buffer ??= Buffer;
