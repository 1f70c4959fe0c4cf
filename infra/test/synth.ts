import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addPetsStack } from '../lib/app';
import { addChecks } from '../lib/checks';
import { parameterSources, readParameters, type DeployParameters } from '../lib/parameters';
import type { Auth0ProviderStack } from '../lib/auth0-provider-stack';
import type { PetsStack } from '../lib/pets-stack';

export interface Synthesized {
  parameters: DeployParameters;
  stack: PetsStack;
  template: Template;
  /** The stack of the tenant's OIDC provider, unless an existing provider was named. */
  providerStack?: Auth0ProviderStack;
  providerTemplate?: Template;
  /** The cloud assembly directory (holds the bundled Lambdas); removed by dispose(). */
  outdir: string;
  dispose(): void;
}

/**
 * Synthesizes the real stack, bundling included, into a temporary directory, with
 * parameters given as CDK context strings exactly as `cdk -c key=value` would.
 */
export function synthesize(
  context: Partial<Record<keyof typeof parameterSources, string>>,
  options: { insideRepo?: boolean } = {},
): Synthesized {
  // Inside the repository (under infra/cdk.out, ignored by git and lint) when the
  // bundles will be run: their external @aws-sdk imports resolve from the root's packages.
  const parent = options.insideRepo
    ? join(fileURLToPath(new URL('..', import.meta.url)), 'cdk.out')
    : tmpdir();
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, 'pets-infra-'));
  const app = new App({ outdir });
  const parameters = readParameters((key) => context[key]);
  const { stack, providerStack } = addPetsStack(app, parameters);
  // The same checks as bin/app.ts; Annotations.fromStack(stack) shows their findings.
  addChecks(app);
  const template = Template.fromStack(stack);
  return {
    parameters,
    stack,
    template,
    providerStack,
    providerTemplate: providerStack && Template.fromStack(providerStack),
    outdir,
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** The resources of one type in the template, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
