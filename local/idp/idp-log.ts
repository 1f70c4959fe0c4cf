// What the IdP logs: one line per request, the path only (query strings carry
// nonces, state and return URLs), and the provider's sign-in events. Never tokens.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

type Log = (line: string) => void;

export function logProviderEvents(provider: Provider, log: Log): void {
  provider.on('authorization.success', (ctx: KoaContextWithOIDC) => {
    const responseType = ctx.oidc.params?.['response_type'];
    const mode = ctx.oidc.params?.['response_mode'] ?? 'fragment';
    log(`authorize: issued ${responseType} (${mode}) to ${ctx.oidc.session?.accountId}`);
  });
  provider.on('authorization.error', (_ctx: KoaContextWithOIDC, error: Error) => {
    log(`authorize: ${error.message}`);
  });
  provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => {
    log(`server error: ${error.stack ?? error.message}`);
  });
}

/** `handle`, with a line per request once its answer is sent. */
export function loggingRequests(
  handle: (req: IncomingMessage, res: ServerResponse) => unknown,
  log: Log,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    res.on('finish', () => {
      const path = (req.url ?? '').split('?')[0];
      log(
        `${req.method} ${path} -> ${res.statusCode} (${Math.round(performance.now() - started)} ms)`,
      );
    });
    handle(req, res);
  };
}
