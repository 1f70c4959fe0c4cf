/**
 * `npm --prefix infra run bootstrap` without a tenant. In a folder with a cdk.json the
 * CDK CLI synthesizes the app before it bootstraps, even when given `aws://ACCOUNT/REGION`,
 * to learn the environments the app deploys to (AWS CDK guide, "Bootstrap your
 * environment": https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html; the
 * CLI's `defineEnvironments` in aws-cdk/lib/cli/cdk-toolkit.js). The app refuses to
 * synthesize without an Auth0 tenant, which bootstrap has no use for, so the script
 * synthesizes it with the example tenant: the environments are the same.
 *
 * No AWS is reachable here, so the run ends where the CLI needs the account; reaching
 * that point is the proof that the app synthesized.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parameterSources } from '../lib/parameters';

const infraDir = fileURLToPath(new URL('..', import.meta.url));
const cdkCli = join(infraDir, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const scripts = (
  JSON.parse(readFileSync(join(infraDir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

// No credentials, no profile, no instance metadata, no tenant: a deployer's first day.
const home = mkdtempSync(join(tmpdir(), 'pets-bootstrap-'));
after(() => rmSync(home, { recursive: true, force: true }));
const tenantFree = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('AWS_') || name.startsWith('CDK_')) delete env[name];
  }
  for (const name of Object.values(parameterSources)) delete env[name];
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
  };
};

/** Runs the CDK CLI with these arguments in infra/, as npm would run the script. */
function cdk(args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [cdkCli, ...args, '--no-notices'], {
    cwd: infraDir,
    env: tenantFree(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** The script's words, refusing anything a shell would interpret. */
function words(script: string): string[] {
  const parts = script.split(' ');
  for (const part of parts) {
    // Plain words only: no quotes, `$`, `;`, `|`, globs or `VAR=value cmd` prefixes,
    // which cmd.exe (npm's shell on Windows) reads differently from sh.
    assert.match(part, /^[A-Za-z0-9@=./:-]+$/, `a plain word in "${script}"`);
  }
  return parts;
}

describe('npm --prefix infra run bootstrap', () => {
  it('is a plain command every shell runs the same (sh, cmd.exe, PowerShell)', () => {
    for (const name of ['bootstrap', 'deploy', 'destroy', 'diff']) {
      const [command] = words(scripts[name] ?? '');
      assert.equal(command, 'cdk', name);
    }
  });

  it('synthesizes the app without tenant settings, then asks AWS for the account', () => {
    const [command, ...args] = words(scripts['bootstrap'] ?? '');
    assert.equal(command, 'cdk');
    assert.equal(args[0], 'bootstrap');
    const { status, output } = cdk(args);
    assert.doesNotMatch(output, /ParameterError|Set the Auth0 tenant/);
    // The CLI's own message once the app has synthesized and it needs credentials.
    assert.match(output, /Unable to resolve AWS account to use/);
    assert.notEqual(status, 0, 'no AWS here, so bootstrapping itself cannot succeed');
  });

  it('would stop at the tenant check as plain `cdk bootstrap`, which is why the script sets one', () => {
    const { status, output } = cdk(['bootstrap']);
    assert.notEqual(status, 0);
    assert.match(output, /Set the Auth0 tenant/);
  });
});
