import type { IncomingMessage, ServerResponse } from 'node:http';

/*
 * DNS rebinding: a web page whose name the attacker points at 127.0.0.1 reaches a
 * loopback server as same-origin, so each listener of the local cloud answers only
 * to the names it is really reached by. The request's Host must be a loopback name
 * with the listener's own port, or a name the developer lists in PETS_ALLOWED_HOSTS
 * (comma-separated host:port pairs, for a proxy or a dev container).
 */

const loopbackNames = ['localhost', '127.0.0.1', '[::1]'];

/** The names in PETS_ALLOWED_HOSTS, lower-cased; a malformed entry stops the start. */
export function configuredHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env['PETS_ALLOWED_HOSTS']?.trim();
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const name = entry.trim().toLowerCase();
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/.test(name)) {
      throw new HostListError(entry);
    }
    return name;
  });
}

export class HostListError extends Error {
  constructor(entry: string) {
    super(`PETS_ALLOWED_HOSTS: "${entry}" is not a host:port pair`);
    this.name = 'HostListError';
  }
}

/** Whether `host` (a Host header) names this listener, on `port`. */
export function isAllowedHost(
  host: string | undefined,
  port: number,
  extra: readonly string[] = configuredHosts(),
): boolean {
  if (!host) return false;
  const name = host.toLowerCase();
  return loopbackNames.some((n) => name === `${n}:${port}`) || extra.includes(name);
}

/**
 * Answers 421 Misdirected Request, before any work, when the request's Host is not
 * this listener's; returns whether it did.
 */
export function refuseForeignHost(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  extra?: readonly string[],
): boolean {
  if (isAllowedHost(req.headers.host, port, extra)) return false;
  res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
  res.end('Misdirected request: this local service answers only to its loopback name.\n');
  return true;
}
