import { Aws, CfnParameter, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { auth0Endpoints } from '../../api/app-config';
import { oidcProviderArn } from '../../api/policies';

/**
 * The URL IAM knows the tenant's OIDC provider by, and its ARN is derived from: the
 * tenant's issuer exactly, trailing slash included, since STS finds the provider by
 * the token's `iss` character for character.
 */
export function auth0ProviderUrl(auth0Domain: string): string {
  return auth0Endpoints(auth0Domain).issuer;
}

/** The ARN of the tenant's provider in the deploying account, known without a lookup. */
export function auth0ProviderArn(auth0Domain: string): string {
  return oidcProviderArn(Aws.ACCOUNT_ID, auth0ProviderUrl(auth0Domain));
}

export interface Auth0ProviderStackProps extends StackProps {
  auth0Domain: string;
  /** The client id of the first stage deployed: the default of the ClientIds parameter. */
  auth0ClientId: string;
}

/** The CloudFormation parameter that holds the provider's client ids (the `aud`s IAM accepts). */
export const clientIdsParameter = 'ClientIds';

/**
 * The tenant's IAM OIDC provider, in a stack of its own. IAM allows one provider per
 * issuer in an account, so every stage that trusts the tenant shares it; a stage's
 * `cdk destroy` leaves it, and termination protection refuses a delete of this stack
 * while stages may still trust it.
 *
 * Its client ids (each stage's Auth0 application) are a CloudFormation parameter, not
 * a synth-time value: the CDK CLI deploys an existing stack with the parameter's
 * previous value unless told otherwise, so one stage's deploy never drops another
 * stage's client id, and a stage with another application adds its own with
 * `--parameters` (infra/README.md).
 */
export class Auth0ProviderStack extends Stack {
  readonly providerArn: string;

  constructor(scope: Construct, id: string, props: Auth0ProviderStackProps) {
    super(scope, id, { terminationProtection: true, ...props });
    const clientIds = new CfnParameter(this, clientIdsParameter, {
      type: 'CommaDelimitedList',
      default: props.auth0ClientId,
      description:
        'Client ids of the Auth0 applications whose ID tokens IAM accepts (each stage’s), comma-separated',
    });
    // The native AWS::IAM::OIDCProvider rather than iam.OpenIdConnectProvider: no
    // custom-resource Lambda, and no thumbprint (IAM trusts Auth0's public CA chain).
    const provider = new iam.OidcProviderNative(this, 'Auth0Provider', {
      url: auth0ProviderUrl(props.auth0Domain),
      clientIds: clientIds.valueAsList,
    });
    this.providerArn = provider.oidcProviderArn;
  }
}
