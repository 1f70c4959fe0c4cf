import { App } from 'aws-cdk-lib';
import { tableSchema } from '../../api/pet-table';
import { parameterSources, readParameters, stackName, type DeployParameters } from './parameters';
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

/** Adds the Secure Pets stack for these parameters to the app. */
export function addPetsStack(app: App, parameters: DeployParameters): PetsStack {
  return new PetsStack(app, stackName(parameters.stage), {
    parameters,
    tableSchema,
    // Region only: the account stays a CloudFormation pseudo parameter, so synth
    // needs no credentials and makes no lookups.
    env: parameters.region ? { region: parameters.region } : undefined,
    description:
      'Secure Pets: DynamoDB, Lambda, API Gateway (AWS_IAM), Auth0 OIDC roles, S3 + CloudFront',
  });
}
