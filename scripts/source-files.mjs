// The project's own files by name ending, for the test and bench runners (Node 20's
// --test takes no globs): dependencies, build output and dot-folders are skipped.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const skipped = new Set(['node_modules', 'cdk.out']);

function* walk(dir, suffix) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipped.has(entry.name) || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path, suffix);
    else if (entry.name.endsWith(suffix)) yield path;
  }
}

/** Files under `roots` ending in `suffix`, kept to those whose path contains one of `filter` (if any). */
export function sourceFiles(roots, suffix, filter = []) {
  const files = roots.filter((root) => existsSync(root)).flatMap((root) => [...walk(root, suffix)]);
  return filter.length ? files.filter((f) => filter.some((part) => f.includes(part))) : files;
}
