import { createLocalJWKSet, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { sessionNameFor } from '../../api/credentials';
import { grantedRole, roleArn } from '../../api/roles';
import type { StoredCredentials } from '../aws/credentials';

/** What the local STS issued: the keys and the session they belong to. */
export type AwsCredentials = Pick<
  StoredCredentials,
  | 'accessKeyId'
  | 'secretAccessKey'
  | 'sessionToken'
  | 'expiration'
  | 'assumedRoleArn'
  | 'assumedRoleId'
>;

export type IssueAwsCredentials = (input: {
  roleArn: string;
  subject: string;
  sessionName: string;
  durationSeconds?: number;
}) => Promise<AwsCredentials>;

/** A refusal with OAuth's error shape (`error`, `error_description`), as Auth0 answers. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

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
  /** The database users (`sub`s) who get the admin role: the list the admin role's trust policy names. */
  admins: readonly string[];
  issueAwsCredentials: IssueAwsCredentials;
  log: (line: string) => void;
}

export const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Trades an ID token of this IdP for AWS credentials of the connection's role. */
export async function delegate(
  fields: Record<string, string>,
  settings: DelegationSettings,
): Promise<DelegationResponse> {
  const { client_id, grant_type, id_token, api_type } = fields;
  if (client_id !== settings.clientId) {
    throw new OAuthError(401, 'unauthorized_client', 'Unknown or missing client_id');
  }
  if (grant_type !== jwtBearer) {
    throw new OAuthError(400, 'unsupported_grant_type', `grant_type must be ${jwtBearer}`);
  }
  if (api_type !== 'aws') {
    throw new OAuthError(400, 'invalid_request', 'Only api_type "aws" is supported');
  }
  if (!id_token) {
    throw new OAuthError(400, 'invalid_request', 'id_token is required');
  }
  const claims = await verify(id_token, settings);
  const sub = claims.sub;
  if (!sub) throw new OAuthError(401, 'invalid_token', 'The id_token has no sub');

  // The server decides the role, as the tutorial's Auth0 rule did: by connection,
  // and for the database connection only the named admins. The role the browser
  // asked for is ignored; a database user off the list gets none, as STS refuses them.
  const role = grantedRole(sub, settings.admins);
  const requested = fields['role'];
  if (!role) {
    settings.log(`delegation: ${sub} is a database user but not an admin: no role`);
    throw new OAuthError(401, 'unauthorized', 'This user may not assume any role.');
  }
  const arn = roleArn(role, settings.account);
  settings.log(
    `delegation: ${sub} gets role ${role}` +
      (requested && requested !== arn ? ` (asked for ${requested}, overridden)` : ''),
  );
  const credentials = await settings.issueAwsCredentials({
    roleArn: arn,
    subject: sub,
    sessionName: sessionNameFor(sub),
  });
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration.toISOString(),
    },
    AssumedRoleUser: {
      AssumedRoleId: credentials.assumedRoleId,
      Arn: credentials.assumedRoleArn,
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
      throw new OAuthError(401, 'invalid_token', 'The id_token has expired');
    }
    if (error instanceof errors.JOSEError) {
      throw new OAuthError(401, 'invalid_token', 'The id_token is not valid for this client');
    }
    throw error;
  }
}
