/**
 * STS AssumeRoleWithWebIdentity, in AWS's query protocol: form parameters in,
 * XML out, errors as `ErrorResponse` with AWS's codes and wording. The token is
 * verified against the one OIDC provider the local account trusts (the IdP's
 * JWKS, issuer, audience, expiry), then the role's trust policy from
 * api/policies.ts decides, as IAM would.
 */
import { randomUUID } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import { sessionDuration } from '../../api/credentials';
import { issuerKey, oidcProviderArn, trustPolicy, type PolicyDocument } from '../../api/policies';
import { maxSessionDuration, roleArn, roleNames } from '../../api/roles';
import { CredentialRequestError, type CredentialStore } from './credentials';
import { StsError } from './errors';
import { evaluate } from './iam';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const VERSION = '2011-06-15';
const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
const EXCEEDS_MAX_SESSION =
  'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.';
/**
 * How long after a JWKS fetch an unknown `kid` may trigger another one. AWS STS
 * caches the provider's keys too, so a burst of junk tokens costs the IdP one fetch;
 * jose's own default, stated because 0 turned every unknown `kid` into a fetch.
 */
export const JWKS_COOLDOWN_MS = 30_000;

export interface StsOptions {
  account: string;
  credentials: CredentialStore;
  /** The one OIDC provider trusted, and the admins (`sub`s) the admin role trusts. */
  identity: { issuer: string; jwksUrl: string; audience: string; admins: readonly string[] };
  now: () => number;
}

export interface StsResponse {
  statusCode: number;
  requestId: string;
  body: string;
  /** For the log: what was decided, never a secret. */
  outcome: string;
}

export function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
}

export function errorXml(error: StsError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${STS_NAMESPACE}">\n` +
    `  <Error>\n` +
    `    <Type>${error.statusCode >= 500 ? 'Receiver' : 'Sender'}</Type>\n` +
    `    <Code>${escapeXml(error.code)}</Code>\n` +
    `    <Message>${escapeXml(error.message)}</Message>\n` +
    `  </Error>\n` +
    `  <RequestId>${requestId}</RequestId>\n` +
    `</ErrorResponse>\n`
  );
}

const awsDate = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Validated {
  roleArn: string;
  sessionName: string;
  token: string;
  durationSeconds: number;
}

// AWS reports every violated constraint at once, in this wording.
function validate(params: URLSearchParams): Validated {
  const problems: string[] = [];
  const value = (name: string) => params.get(name) ?? undefined;
  const at = (field: string, v: string | undefined, constraint: string) =>
    problems.push(
      `Value ${v === undefined ? 'null' : `'${v}'`} at '${field}' failed to satisfy constraint: ${constraint}`,
    );
  const required = (name: string, field: string, min: number, max: number) => {
    const v = value(name);
    if (v === undefined) at(field, v, 'Member must not be null');
    else if (v.length < min)
      at(field, v, `Member must have length greater than or equal to ${min}`);
    else if (v.length > max) at(field, v, `Member must have length less than or equal to ${max}`);
    return v ?? '';
  };
  const arn = required('RoleArn', 'roleArn', 20, 2048);
  const sessionName = required('RoleSessionName', 'roleSessionName', 2, 64);
  if (sessionName && !/^[\w+=,.@-]*$/.test(sessionName)) {
    at(
      'roleSessionName',
      sessionName,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  }
  const token = required('WebIdentityToken', 'webIdentityToken', 4, 20000);
  const rawDuration = value('DurationSeconds');
  let durationSeconds: number = sessionDuration.defaultSeconds;
  if (rawDuration !== undefined) {
    durationSeconds = Number(rawDuration);
    if (!/^\d+$/.test(rawDuration)) {
      problems.push(
        `Value '${rawDuration}' at 'durationSeconds' failed to satisfy constraint: Member must be a number`,
      );
    } else if (durationSeconds < sessionDuration.minSeconds) {
      at(
        'durationSeconds',
        rawDuration,
        `Member must have value greater than or equal to ${sessionDuration.minSeconds}`,
      );
    } else if (durationSeconds > sessionDuration.maxSeconds) {
      at(
        'durationSeconds',
        rawDuration,
        `Member must have value less than or equal to ${sessionDuration.maxSeconds}`,
      );
    }
  }
  if (problems.length) {
    const n = problems.length;
    throw new StsError(
      'ValidationError',
      `${n} validation error${n > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
    );
  }
  if (!/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
    throw new StsError('ValidationError', 'Request ARN is invalid');
  }
  return { roleArn: arn, sessionName, token, durationSeconds };
}

export class Sts {
  readonly #options: StsOptions;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #providerArn: string;
  readonly #issuerKey: string;
  readonly #trust = new Map<string, PolicyDocument>();

  constructor(options: StsOptions) {
    this.#options = options;
    this.#jwks = createRemoteJWKSet(new URL(options.identity.jwksUrl), {
      timeoutDuration: 5000,
      cooldownDuration: JWKS_COOLDOWN_MS,
    });
    this.#issuerKey = issuerKey(options.identity.issuer);
    this.#providerArn = oidcProviderArn(options.account, options.identity.issuer);
    for (const role of roleNames) {
      this.#trust.set(
        roleArn(role, options.account),
        trustPolicy(
          role,
          this.#providerArn,
          this.#issuerKey,
          options.identity.audience,
          options.identity.admins,
        ),
      );
    }
  }

  /** Handles one query-protocol call (form body or query string parameters). */
  async handle(params: URLSearchParams): Promise<StsResponse> {
    const requestId = randomUUID();
    try {
      const action = params.get('Action');
      if (!action) throw new StsError('MissingAction', 'Missing Action');
      if (
        action !== 'AssumeRoleWithWebIdentity' ||
        (params.get('Version') ?? VERSION) !== VERSION
      ) {
        throw new StsError(
          'InvalidAction',
          `Could not find operation ${action} for version ${params.get('Version') ?? VERSION}`,
        );
      }
      const body = await this.#assumeRoleWithWebIdentity(validate(params), requestId);
      return { statusCode: 200, requestId, body, outcome: 'issued credentials' };
    } catch (error) {
      if (!(error instanceof StsError)) throw error;
      return {
        statusCode: error.statusCode,
        requestId,
        body: errorXml(error, requestId),
        outcome: `${error.code}: ${error.message}`,
      };
    }
  }

  async #verifyToken(token: string): Promise<JWTPayload & { sub: string }> {
    const { issuer, audience } = this.#options.identity;
    let claimed: JWTPayload;
    try {
      claimed = decodeJwt(token);
    } catch {
      throw new StsError(
        'InvalidIdentityToken',
        'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      );
    }
    if (claimed.iss !== issuer) {
      throw new StsError(
        'InvalidIdentityToken',
        `No OpenIDConnect provider found in your account for ${String(claimed.iss)}`,
      );
    }
    const now = this.#options.now();
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        issuer,
        audience,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now),
      });
      return payload as JWTPayload & { sub: string };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new StsError(
          'ExpiredTokenException',
          `Token expired: current date/time ${Math.floor(now / 1000)} must be before the expiration date/time ${String(claimed.exp)}`,
        );
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new StsError('InvalidIdentityToken', 'Incorrect token audience');
      }
      if (
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid ||
        !(error instanceof joseErrors.JOSEError)
      ) {
        throw new StsError(
          'InvalidIdentityToken',
          "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
        );
      }
      throw new StsError(
        'InvalidIdentityToken',
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
      );
    }
  }

  async #assumeRoleWithWebIdentity(input: Validated, requestId: string): Promise<string> {
    const claims = await this.#verifyToken(input.token);
    const trust = this.#trust.get(input.roleArn);
    const aud = claims.aud ?? [];
    const decision = trust
      ? evaluate([trust], {
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: input.roleArn,
          principal: { type: 'Federated', id: this.#providerArn },
          context: {
            [`${this.#issuerKey}:sub`]: claims.sub,
            [`${this.#issuerKey}:aud`]: aud,
          },
        })
      : 'ImplicitDeny';
    if (decision !== 'Allow') throw new StsError('AccessDenied', NOT_AUTHORIZED, 403);
    // Checked once the caller may assume the role, so a stranger learns nothing of it.
    const role = roleNames.find((name) => roleArn(name, this.#options.account) === input.roleArn);
    if (role && input.durationSeconds > maxSessionDuration[role]) {
      throw new StsError('ValidationError', EXCEEDS_MAX_SESSION);
    }

    let issued;
    try {
      issued = this.#options.credentials.issue({
        roleArn: input.roleArn,
        subject: claims.sub,
        sessionName: input.sessionName,
        durationSeconds: input.durationSeconds,
      });
    } catch (error) {
      if (error instanceof CredentialRequestError)
        throw new StsError('ValidationError', error.message);
      throw error;
    }
    const audience = typeof aud === 'string' ? aud : this.#options.identity.audience;
    const x = escapeXml;
    return (
      `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NAMESPACE}">\n` +
      `  <AssumeRoleWithWebIdentityResult>\n` +
      `    <SubjectFromWebIdentityToken>${x(claims.sub)}</SubjectFromWebIdentityToken>\n` +
      `    <Audience>${x(audience)}</Audience>\n` +
      `    <AssumedRoleUser>\n` +
      `      <Arn>${x(issued.assumedRoleArn)}</Arn>\n` +
      `      <AssumedRoleId>${x(issued.assumedRoleId)}</AssumedRoleId>\n` +
      `    </AssumedRoleUser>\n` +
      `    <Credentials>\n` +
      `      <SessionToken>${x(issued.sessionToken)}</SessionToken>\n` +
      `      <SecretAccessKey>${x(issued.secretAccessKey)}</SecretAccessKey>\n` +
      `      <Expiration>${awsDate(issued.expiration)}</Expiration>\n` +
      `      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>\n` +
      `    </Credentials>\n` +
      `    <Provider>${x(this.#providerArn)}</Provider>\n` +
      `  </AssumeRoleWithWebIdentityResult>\n` +
      `  <ResponseMetadata>\n` +
      `    <RequestId>${requestId}</RequestId>\n` +
      `  </ResponseMetadata>\n` +
      `</AssumeRoleWithWebIdentityResponse>\n`
    );
  }
}
