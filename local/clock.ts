import { createServer, type Server } from 'node:http';
import { configuredHosts, refuseForeignHost } from './host-check';
import { host } from './settings';

/**
 * The local cloud's clock: the real time plus an offset, which the e2e tests can
 * move forward together with the browser's (Playwright's clock) so that credential
 * expiry and SigV4's five-minute skew check see the same time on both sides. STS,
 * the gateway and the IdP (stored sessions, login blocks) read it.
 */
export class AdjustableClock {
  #offsetMs = 0;
  readonly now = (): number => Date.now() + this.#offsetMs;

  set offsetMs(value: number) {
    this.#offsetMs = value;
  }

  /**
   * `PUT /clock {"offsetMs": n}` moves the clock. Started only when the
   * PETS_TEST_CLOCK_PORT variable asks for it, and on loopback like the rest. Only the
   * test runner calls it, never a page: a foreign Host gets 421 and anything a
   * browser sent (an `Origin` header) 403, before the body is read.
   */
  async serve(port: number, allowedHosts = configuredHosts()): Promise<Server> {
    const server = createServer((req, res) => {
      if (refuseForeignHost(req, res, req.socket.localPort ?? port, allowedHosts)) return;
      if (req.headers.origin !== undefined) {
        res.writeHead(403, { 'Content-Type': 'application/json', Connection: 'close' });
        res.end(JSON.stringify({ message: 'The test clock does not answer web pages.' }));
        return;
      }
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const offset = req.method === 'PUT' && req.url === '/clock' ? parseOffset(body) : undefined;
        if (offset === undefined) {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: 'Send PUT /clock with {"offsetMs": <integer>}.' }));
          return;
        }
        this.offsetMs = offset;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return server;
  }
}

function parseOffset(body: string): number | undefined {
  try {
    const value = (JSON.parse(body) as { offsetMs?: unknown }).offsetMs;
    return Number.isInteger(value) ? (value as number) : undefined;
  } catch {
    return undefined;
  }
}
