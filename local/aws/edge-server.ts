// The edge's HTTP server on 127.0.0.1: the Host check before anything else, one log
// line per request, and API Gateway's 500 for an answer that failed before it was sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { corsHeaders } from '../../api/http-api';
import { configuredHosts, refuseForeignHost } from '../host-check';
import type { Serve } from './edge-router';
import { send } from './http-messages';

export interface RunningEdge {
  url: string;
  close(): Promise<void>;
}

export async function listen(
  port: number,
  serve: Serve,
  log: (line: string) => void,
  allowedHosts: readonly string[] = configuredHosts(),
): Promise<RunningEdge> {
  const server = createServer((req, res) => {
    if (refuseForeignHost(req, res, req.socket.localPort ?? port, allowedHosts)) {
      log(`${req.method} ${req.url?.split('?')[0]} -> 421 refused (foreign Host)`);
      return;
    }
    const started = performance.now();
    serve(req, res).then(
      (line) =>
        log(
          `${req.method} ${req.url?.split('?')[0]} -> ${line} (${(performance.now() - started).toFixed(1)} ms)`,
        ),
      (error: unknown) => {
        log(
          `${req.method} ${req.url?.split('?')[0]} -> 500 ${error instanceof Error ? error.message : String(error)}`,
        );
        if (!res.headersSent) {
          send(res, {
            statusCode: 500,
            headers: { 'Content-Type': 'application/json', ...corsHeaders() },
            body: JSON.stringify({ message: 'Internal server error' }),
          });
        } else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
