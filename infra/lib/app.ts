import { App } from 'aws-cdk-lib';
import { tableSchema } from '../../api/pet-table';
import { Auth0ProviderStack, auth0ProviderArn } from './auth0-provider-stack';
import {
  parameterSources,
  providerStackName,
  readParameters,
  stackName,
  type DeployParameters,
} from './parameters';
import { PetsStack } from './pets-stack';

/** Reads the parameters from the app's CDK context (`-c key=value`), else the environment. */
export function parametersOf(
  app: App,
  env: Record<string, string | undefined> = process.env,
): DeployParameters {
  return readParameters((key) => {
    const fromContext: unknown = app.node.tryGetContext(key);
    if (typeof fromContext === 'string') return fromContext;
    if (typeof fromContext === 'boolean' || typeof fromContext === 'number')
      return String(fromContext);
    return env[parameterSources[key]];
  });
}

/**
 * Adds the Secure Pets stack for these parameters to the app, with the stack of the
 * tenant's OIDC provider it depends on, unless an existing provider is named
 * (`oidcProviderArn`).
 */
export function addPetsStack(
  app: App,
  parameters: DeployParameters,
): { stack: PetsStack; providerStack?: Auth0ProviderStack } {
  // Region only: the account stays a CloudFormation pseudo parameter, so synth
  // needs no credentials and makes no lookups.
  const env = parameters.region ? { region: parameters.region } : undefined;
  const providerStack = parameters.oidcProviderArn
    ? undefined
    : new Auth0ProviderStack(app, providerStackName(parameters.auth0Domain), {
        auth0Domain: parameters.auth0Domain,
        auth0ClientId: parameters.auth0ClientId,
        env,
        description: `Secure Pets: the IAM OIDC provider of ${parameters.auth0Domain}, shared by every stage`,
      });
  const stack = new PetsStack(app, stackName(parameters.stage), {
    parameters,
    tableSchema,
    // The provider's ARN is known from the tenant alone, so the stage imports no
    // export: the provider stack can change without waiting for every stage.
    providerArn: parameters.oidcProviderArn ?? auth0ProviderArn(parameters.auth0Domain),
    env,
    description:
      'Secure Pets: DynamoDB, Lambda, API Gateway (AWS_IAM), Auth0 OIDC roles, S3 + CloudFront',
  });
  if (providerStack) stack.addStackDependency(providerStack, 'its roles trust the OIDC provider');
  return { stack, providerStack };
}
