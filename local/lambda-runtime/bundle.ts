// The Lambdas' deploy bundles, built for the local cloud: esbuild with the options the
// CDK stack deploys with (api/bundling.ts), one self-contained index.mjs per function,
// as NodejsFunction writes it.
import { build } from 'esbuild';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaBundling } from '../../api/bundling';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const prefix = 'lambda-bundles-';

/** Removes the bundles of local clouds that ended without closing (killed). */
async function removeOrphans(cache: string): Promise<void> {
  for (const name of await readdir(cache)) {
    const pid = Number(/^lambda-bundles-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
        await rm(join(cache, name), { recursive: true, force: true });
      }
    }
  }
}

export interface Bundles {
  /** The folder holding `{name}/index.mjs` for each function (each one's LAMBDA_TASK_ROOT). */
  dir: string;
  codeDir(name: string): string;
  remove(): Promise<void>;
}

/**
 * Bundles `entries` (function name → entry file from the repository root) into a fresh
 * folder under node_modules/.cache. It must lie inside the repository: the bundles
 * leave `@aws-sdk/*` out (the runtime ships it), and Node resolves those imports by
 * walking up to the repository's node_modules, where AWS's runtime has its own copy.
 * A folder per call, so that two local clouds (npm start and the e2e run) never
 * overwrite each other's code.
 */
export async function bundleFunctions(entries: Record<string, string>): Promise<Bundles> {
  const cache = join(repoRoot, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  await removeOrphans(cache);
  const dir = await mkdtemp(join(cache, `${prefix}${process.pid}-`));
  try {
    // One build with an entry per function: without splitting, each output is the
    // same self-contained bundle a build of its own would write, built in parallel.
    await build({
      absWorkingDir: repoRoot,
      entryPoints: Object.fromEntries(
        Object.entries(entries).map(([name, entry]) => [`${name}/index`, join(repoRoot, entry)]),
      ),
      outdir: dir,
      outExtension: { '.js': lambdaBundling.format === 'esm' ? '.mjs' : '.js' },
      bundle: true,
      platform: 'node',
      format: lambdaBundling.format,
      target: lambdaBundling.target,
      minify: lambdaBundling.minify,
      sourcemap: lambdaBundling.sourceMap,
      external: [...lambdaBundling.externalModules],
      banner: { js: lambdaBundling.banner },
      logLevel: 'warning',
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    codeDir: (name) => join(dir, name),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
