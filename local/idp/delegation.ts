import { createHash } from 'node:crypto';
import { createLocalJWKSet, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { roleArn, roles, type RoleName } from '../../api/definition';
import { BadRequestError } from './body';

export interface AwsCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

export type IssueAwsCredentials = (input: {
  roleArn: string;
  subject: string;
  sessionName: string;
  durationSeconds?: number;
}) => Promise<AwsCredentials>;

/** Auth0's answer to `/delegation` with `api_type: "aws"`. */
export interface DelegationResponse {
  Credentials: {
    AccessKeyId: string;
    SecretAccessKey: string;
    SessionToken: string;
    Expiration: string;
  };
  AssumedRoleUser: { AssumedRoleId: string; Arn: string };
}

export interface DelegationSettings {
  issuer: string;
  clientId: string;
  account: string;
  publicKey: JWK;
  issueAwsCredentials: IssueAwsCredentials;
  log: (line: string) => void;
}

export const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The server decides the role, as the tutorial's Auth0 rule did: database users are
 * admins, social users buyers. The role the browser asked for is ignored.
 */
export function roleForSubject(sub: string): RoleName {
  const connection = sub.startsWith('auth0|') ? 'database' : 'social';
  const role = (Object.keys(roles) as RoleName[]).find((r) => roles[r].connection === connection);
  if (!role) throw new Error(`No role for the ${connection} connection`);
  return role;
}

/** STS's RoleSessionName alphabet and length. */
export function sessionNameFor(sub: string): string {
  return sub.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** Trades an ID token of this IdP for AWS credentials of the connection's role. */
export async function delegate(
  fields: Record<string, string>,
  settings: DelegationSettings,
): Promise<DelegationResponse> {
  const { client_id, grant_type, id_token, api_type } = fields;
  if (client_id !== settings.clientId) {
    throw new BadRequestError(401, 'unauthorized_client', 'Unknown or missing client_id');
  }
  if (grant_type !== jwtBearer) {
    throw new BadRequestError(400, 'unsupported_grant_type', `grant_type must be ${jwtBearer}`);
  }
  if (api_type !== 'aws') {
    throw new BadRequestError(400, 'invalid_request', 'Only api_type "aws" is supported');
  }
  if (!id_token) {
    throw new BadRequestError(400, 'invalid_request', 'id_token is required');
  }
  const claims = await verify(id_token, settings);
  const sub = claims.sub;
  if (!sub) throw new BadRequestError(401, 'invalid_token', 'The id_token has no sub');

  const role = roleForSubject(sub);
  const arn = roleArn(role, settings.account);
  const requested = fields['role'];
  settings.log(
    `delegation: ${sub} gets role ${role}` +
      (requested && requested !== arn ? ` (asked for ${requested}, overridden)` : ''),
  );
  const sessionName = sessionNameFor(sub);
  const credentials = await settings.issueAwsCredentials({
    roleArn: arn,
    subject: sub,
    sessionName,
  });
  return {
    Credentials: {
      AccessKeyId: credentials.AccessKeyId,
      SecretAccessKey: credentials.SecretAccessKey,
      SessionToken: credentials.SessionToken,
      Expiration: credentials.Expiration.toISOString(),
    },
    AssumedRoleUser: {
      AssumedRoleId: `${roleId(arn)}:${sessionName}`,
      Arn: `arn:aws:sts::${settings.account}:assumed-role/${roles[role].roleName}/${sessionName}`,
    },
  };
}

async function verify(idToken: string, settings: DelegationSettings): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(
      idToken,
      createLocalJWKSet({ keys: [settings.publicKey] }),
      {
        issuer: settings.issuer,
        audience: settings.clientId,
        algorithms: ['RS256'],
      },
    );
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) {
      throw new BadRequestError(401, 'invalid_token', 'The id_token has expired');
    }
    if (error instanceof errors.JOSEError) {
      throw new BadRequestError(401, 'invalid_token', 'The id_token is not valid for this client');
    }
    throw error;
  }
}

/** IAM role ids are `AROA` plus 17 characters; derived from the ARN so it is stable. */
function roleId(arn: string): string {
  const digest = createHash('sha256').update(arn).digest('hex');
  return `AROA${BigInt('0x' + digest.slice(0, 24))
    .toString(36)
    .toUpperCase()
    .padStart(17, '0')
    .slice(0, 17)}`;
}
