import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { api } from '../../api/http-api';
import { auth0Endpoints } from '../../api/app-config';
import { apiArn, issuerKey, rolePolicy, trustPolicy } from '../../api/policies';
import { maxSessionDuration, roleNames, roles, type RoleName } from '../../api/roles';
import type { DeployParameters } from './parameters';

export interface PetsRolesProps {
  restApiId: string;
  parameters: DeployParameters;
}

/**
 * The tenant's IAM OIDC provider and the admin and buyer roles. Trust and identity
 * policies are api/policies.ts's, unchanged, so STS in AWS decides exactly what the
 * local STS decides.
 */
export class PetsRoles extends Construct {
  readonly provider: iam.IOidcProvider;
  readonly byRole: Record<RoleName, iam.Role>;

  constructor(scope: Construct, id: string, props: PetsRolesProps) {
    super(scope, id);
    const { auth0Domain, auth0ClientId, admins, stage, oidcProviderArn } = props.parameters;
    // The native AWS::IAM::OIDCProvider rather than iam.OpenIdConnectProvider: no
    // custom-resource Lambda, and no thumbprint (IAM trusts Auth0's public CA chain).
    // An account holds one provider per issuer, so a second stage reuses the first's.
    // Its URL is the tenant's issuer exactly, trailing slash included: STS finds the
    // provider by the token's `iss`, character for character.
    const { issuer } = auth0Endpoints(auth0Domain);
    this.provider = oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'Auth0Provider', oidcProviderArn)
      : new iam.OidcProviderNative(this, 'Auth0Provider', {
          url: issuer,
          clientIds: [auth0ClientId],
        });
    const apiArnPrefix = apiArn(Aws.REGION, Aws.ACCOUNT_ID, props.restApiId);
    const make = (role: RoleName): iam.Role => {
      const trust = trustPolicy(
        role,
        this.provider.oidcProviderArn,
        issuerKey(issuer),
        auth0ClientId,
        admins,
      );
      const [statement] = trust.Statement;
      if (trust.Statement.length !== 1 || !statement?.Principal?.['Federated']) {
        throw new Error(`trustPolicy(${role}) must be one statement with a federated principal`);
      }
      return new iam.Role(this, `${role}Role`, {
        roleName: roleNameFor(role, stage),
        description: `Secure Pets ${role}: assumed with an Auth0 ID token (${auth0Domain})`,
        maxSessionDuration: Duration.seconds(maxSessionDuration[role]),
        assumedBy: new iam.FederatedPrincipal(
          statement.Principal['Federated'] as string,
          statement.Condition ?? {},
          statement.Action as string,
        ),
        inlinePolicies: {
          invoke: iam.PolicyDocument.fromJson(rolePolicy(role, apiArnPrefix)),
        },
      });
    };
    this.byRole = Object.fromEntries(
      roleNames.map((role) => [role, suppressInvokeWildcards(make(role), role)]),
    ) as Record<RoleName, iam.Role>;
  }
}

/**
 * IAM5 on the role's own `execute-api:Invoke` ARNs, and on nothing else: each is
 * `{this API}/{stage}/{METHOD}/{path}` from rolePolicy(), with `*` for the stage (the
 * stack has one) and for a path parameter (`/pets/*`: IAM sees the real pet id).
 */
function suppressInvokeWildcards(role: iam.Role, name: RoleName): iam.Role {
  const placeholder = 'API';
  const [statement] = rolePolicy(name, placeholder).Statement;
  const resources = [statement?.Resource ?? []].flat();
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  NagSuppressions.addResourceSuppressions(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        `execute-api:Invoke on exactly the ${name} routes of this stack's API (api/policies.ts ` +
        'rolePolicy(), which the local STS enforces too); the wildcards are the stage segment ' +
        '(the API has one stage) and the pet id of /pets/{id}, which IAM matches on the real path.',
      appliesTo: resources.map((arn) => ({
        regex: `/^Resource::arn:aws:execute-api:<AWS::Region>:<AWS::AccountId>:<ApiRestApi[0-9A-F]+>${escape(arn.slice(placeholder.length))}$/`,
      })),
    },
  ]);
  return role;
}

/**
 * The definition's role name for the definition's stage (the names the local cloud
 * uses); other stages get a suffix, because IAM role names are unique per account.
 */
export function roleNameFor(role: RoleName, stage: string): string {
  const name = roles[role].roleName;
  return stage === api.stage ? name : `${name}-${stage}`;
}
