import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundlingOptions, ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Native packages (sharp) in a deploy bundle. esbuild cannot bundle a `.node` binary,
 * and the machine that synthesizes is not the function's: npm installs the package for
 * Linux on the function's CPU (`--os`, `--cpu`, `--libc`, which pick sharp's prebuilt
 * `@img/sharp-linux-<cpu>` and its libvips), no Docker needed. The installed version is
 * the root's, so what deploys is what the tests ran. One install per version and CPU,
 * kept under infra/node_modules/.cache, then copied beside each bundle's index.mjs.
 */
export function nativeModulesBundling(
  repoRoot: string,
  modules: readonly string[],
  cpu: string,
): Pick<BundlingOptions, 'commandHooks'> {
  const installed = installFor(repoRoot, modules, cpu);
  const hooks: ICommandHooks = {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [`cp -R "${installed}" "${outputDir}/node_modules"`],
  };
  return { commandHooks: hooks };
}

/** The node_modules folder holding `modules` for linux/`cpu`, installed on first use. */
export function installFor(repoRoot: string, modules: readonly string[], cpu: string): string {
  const specs = modules.map((name) => `${name}@${versionOf(repoRoot, name)}`);
  const cache = join(repoRoot, 'infra', 'node_modules', '.cache', 'native-modules');
  const dir = join(cache, `linux-${cpu}-${specs.join('+').replace(/[/@]/g, '_')}`);
  const modulesDir = join(dir, 'node_modules');
  if (existsSync(modulesDir)) return modulesDir;
  const work = `${dir}.${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'package.json'), '{ "private": true }\n');
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      '--os=linux',
      `--cpu=${cpu}`,
      '--libc=glibc',
      ...specs,
    ],
    { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Another synth may have finished first: either copy is the same install.
  if (!existsSync(modulesDir)) renameSync(work, dir);
  else rmSync(work, { recursive: true, force: true });
  return modulesDir;
}

function versionOf(repoRoot: string, name: string): string {
  const manifest = join(repoRoot, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
