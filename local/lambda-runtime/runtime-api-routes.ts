// The Runtime API's four routes (version 2018-06-01), read from a request line without
// decoding it: request ids are compared as sent, so no escape in a path can throw.

export type RuntimeRoute =
  | { kind: 'next' }
  | { kind: 'response' | 'error'; requestId: string }
  | { kind: 'init-error' }
  /** Not a URL at all (a broken %-escape): AWS's Runtime API, a Go server, answers 400. */
  | { kind: 'malformed' }
  | { kind: 'unknown' };

const base = '/2018-06-01/runtime/';
const brokenEscape = /%(?![0-9A-Fa-f]{2})/;

export function runtimeRoute(method: string | undefined, url: string | undefined): RuntimeRoute {
  if (!url?.startsWith('/') || brokenEscape.test(url)) return { kind: 'malformed' };
  const path = url.split('?', 1)[0] ?? '';
  if (!path.startsWith(base)) return { kind: 'unknown' };
  const route = routeOf(path.slice(base.length));
  const expected = route.kind === 'next' ? 'GET' : 'POST';
  return method === expected ? route : { kind: 'unknown' };
}

function routeOf(rest: string): RuntimeRoute {
  if (rest === 'invocation/next') return { kind: 'next' };
  if (rest === 'init/error') return { kind: 'init-error' };
  const match = /^invocation\/([^/]+)\/(response|error)$/.exec(rest);
  if (!match) return { kind: 'unknown' };
  return { kind: match[2] === 'response' ? 'response' : 'error', requestId: match[1] ?? '' };
}
