import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { auth0Endpoints } from '../../api/app-config';
import { apiArn, issuerKey, rolePolicy, trustPolicy } from '../../api/policies';
import { maxSessionDuration, roleNames, type RoleName } from '../../api/roles';
import { roleNameFor, type DeployParameters } from './parameters';

export interface PetsRolesProps {
  restApiId: string;
  parameters: DeployParameters;
  /**
   * The tenant's IAM OIDC provider, shared by the account's stages: the provider
   * stack's (auth0-provider-stack.ts) or one that already exists (`oidcProviderArn`).
   */
  providerArn: string;
}

/**
 * The admin and buyer roles, trusting the tenant's OIDC provider. Trust and identity
 * policies are api/policies.ts's, unchanged, so STS in AWS decides exactly what the
 * local STS decides.
 */
export class PetsRoles extends Construct {
  readonly byRole: Record<RoleName, iam.Role>;

  constructor(scope: Construct, id: string, props: PetsRolesProps) {
    super(scope, id);
    const { auth0Domain, auth0ClientId, admins, stage } = props.parameters;
    const apiArnPrefix = apiArn(Aws.REGION, Aws.ACCOUNT_ID, props.restApiId);
    const make = (role: RoleName): iam.Role => {
      // The condition keys are the issuer without its scheme, trailing slash included.
      const key = issuerKey(auth0Endpoints(auth0Domain).issuer);
      const trust = trustPolicy(role, props.providerArn, key, auth0ClientId, admins);
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
