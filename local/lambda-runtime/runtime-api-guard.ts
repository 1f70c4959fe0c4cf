// Who may call an execution environment's Runtime API. In AWS it is reachable only from
// inside the sandbox; here it listens on 127.0.0.1, where web pages (through the
// browser), other processes and other OS users reach it too. So, before any work, it
// answers only to its loopback name (host-check.ts), to no web page (a browser sends
// Origin), and only to the process the environment started: that process alone was
// given the environment's secret, which bootstrap.mjs sends with every call.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { refuseForeignHost } from '../host-check';

/**
 * The variable that hands the secret to the process, and the header bootstrap.mjs
 * sends it back in. bootstrap.mjs spells both out (it has no imports from here): the
 * Runtime API tests fail if the two disagree.
 */
export const RUNTIME_SECRET_VARIABLE = 'LOCAL_RUNTIME_API_SECRET';
export const RUNTIME_SECRET_HEADER = 'local-runtime-secret';

/** A fresh secret for one environment: 256 random bits. */
export function newRuntimeSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Answers (421 or 403) a request that is not from the environment's own runtime on
 * `127.0.0.1:port`; returns whether it did.
 */
export function refuseStranger(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  secret: string,
): boolean {
  // Only the loopback names: the Runtime API is never reached through a proxy.
  if (refuseForeignHost(req, res, port, [])) return true;
  if (req.headers.origin !== undefined) {
    forbid(res, 'The Runtime API answers no web page (the request has an Origin).');
    return true;
  }
  if (!sameSecret(req.headers[RUNTIME_SECRET_HEADER], secret)) {
    forbid(res, 'Only the runtime of this execution environment may call its Runtime API.');
    return true;
  }
  return false;
}

function sameSecret(sent: string | string[] | undefined, secret: string): boolean {
  if (typeof sent !== 'string') return false;
  const [a, b] = [Buffer.from(sent), Buffer.from(secret)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** 403 with the Runtime API's error document; the connection closes, its body unread. */
function forbid(res: ServerResponse, errorMessage: string): void {
  res.writeHead(403, { 'Content-Type': 'application/json', Connection: 'close' });
  res.end(JSON.stringify({ errorType: 'Forbidden', errorMessage }));
}
