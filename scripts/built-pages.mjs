// The build output the post-build steps read: its folder and its pages.
import { readdirSync } from 'node:fs';

/** The browser build, or the folder given as the script's first argument. */
export const buildDir = process.argv[2] ?? 'dist/secure-pets/browser';

/** Every .html file below `dir`, relative to it, in name order. */
export function builtPages(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.html'))
    .sort();
}
