import { api } from '../../api/http-api';

/**
 * The numbers the gateway enforces. Defaults come from the API definition
 * (`api.limits`, `api.minimumCompressionSize`, each function's `timeoutSeconds`);
 * tests override them so they need not send 10 MB or wait 29 s.
 */
export interface GatewayLimits {
  /** API Gateway's request body limit: 413 above it (enforced by the edge, edge-router.ts). */
  maxRequestBytes: number;
  /** Lambda's synchronous payload limit for the event (the same 6 MB as the answer). */
  maxLambdaRequestBytes: number;
  /** Lambda's synchronous payload limit for the answer: 502 above it. */
  maxLambdaResponseBytes: number;
  /** REST API integration timeout: 504 after it. */
  integrationTimeoutMs: number;
  /** Every function's timeout: 502 after it. Default: each one's own `timeoutSeconds`. */
  functionTimeoutMs?: number;
  /** Compress answers of at least this many bytes; null turns compression off. */
  minimumCompressionSize: number | null;
}

export function gatewayLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  return {
    maxRequestBytes: api.limits.maxRequestBytes,
    // Lambda documents one 6 MB limit for both directions; api.limits names it once.
    maxLambdaRequestBytes: api.limits.maxLambdaResponseBytes,
    maxLambdaResponseBytes: api.limits.maxLambdaResponseBytes,
    integrationTimeoutMs: api.limits.integrationTimeoutMs,
    minimumCompressionSize: api.minimumCompressionSize,
    ...overrides,
  };
}
