/** Where a sign-in goes when it carries no usable path: home. */
export const HOME = '/';

/** Begin or complete a sign-in: going back there would loop. */
const SIGN_IN_PAGES = new Set(['/login', '/callback']);

/** A stand-in origin: a path that resolves to another origin is not the app's. */
const APP = 'https://app.invalid';

/** Longer than any path of the app with its query; the rest is not worth keeping. */
const MAX_LENGTH = 2048;

/**
 * The app path (route and query) a sign-in returns to, from a value anyone may have
 * written (a `returnTo` query parameter, the appState auth0-js kept in this origin's
 * storage). Only a path of this app passes: an absolute URL, a protocol-relative
 * `//host`, a backslash or control character that a browser may read as one, or a
 * sign-in page gives HOME. The fragment is dropped (Auth0 answers in it).
 */
export function returnPath(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length > MAX_LENGTH ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    /[\\\u0000-\u001f\u007f]/.test(value)
  ) {
    return HOME;
  }
  let url: URL;
  try {
    url = new URL(value, APP);
  } catch {
    return HOME;
  }
  if (url.origin !== APP || SIGN_IN_PAGES.has(url.pathname)) return HOME;
  return url.pathname + url.search;
}
