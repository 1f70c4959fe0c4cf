import { randomBytes } from 'node:crypto';

/** Why a credential request was refused; STS maps it to a ValidationError. */
export class CredentialRequestError extends Error {
  override readonly name = 'CredentialRequestError';
}

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43200;
export const DEFAULT_DURATION_SECONDS = 3600;

/** What STS hands out (the `Credentials` element of AssumeRoleWithWebIdentity). */
export interface IssuedCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: Date;
}

/** What the gateway needs to know about a key it sees in a signature. */
export interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** arn:aws:iam::{account}:role/{roleName} */
  roleArn: string;
  roleName: string;
  /** arn:aws:sts::{account}:assumed-role/{roleName}/{sessionName} */
  assumedRoleArn: string;
  /** {roleId}:{sessionName}, what API Gateway reports as `caller` and `user`. */
  assumedRoleId: string;
  /** The web identity's `sub`. */
  subject: string;
  sessionName: string;
}

// AWS access key ids are base32 upper case: ASIA + 16 characters for temporary keys.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += BASE32[byte & 31];
  return out;
}

// A role's unique id (AROA…) must be stable across sessions, so it is derived from its ARN.
function roleId(roleArn: string): string {
  let hash = 0x811c9dc5;
  let out = 'AROA';
  for (let i = 0; out.length < 21; i++) {
    hash = Math.imul(hash ^ roleArn.charCodeAt(i % roleArn.length), 0x01000193) >>> 0;
    out += BASE32[hash & 31];
  }
  return out;
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/**
 * Temporary credentials of the local cloud, in memory: STS and the IdP's
 * /delegation issue them, the gateway looks them up by access key id. A restart
 * forgets them, as if every session had expired.
 */
export class CredentialStore {
  readonly #now: () => number;
  readonly #byKey = new Map<string, StoredCredentials>();

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  issue(input: {
    roleArn: string;
    subject: string;
    sessionName: string;
    durationSeconds?: number;
  }): IssuedCredentials {
    const duration = input.durationSeconds ?? DEFAULT_DURATION_SECONDS;
    if (
      !Number.isInteger(duration) ||
      duration < MIN_DURATION_SECONDS ||
      duration > MAX_DURATION_SECONDS
    ) {
      throw new CredentialRequestError(
        `DurationSeconds must be an integer from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}, got ${duration}`,
      );
    }
    const match = ROLE_ARN.exec(input.roleArn);
    if (!match) throw new CredentialRequestError(`${input.roleArn} is not a role ARN`);
    if (!/^[\w+=,.@-]{2,64}$/.test(input.sessionName)) {
      throw new CredentialRequestError(`${input.sessionName} is not a valid role session name`);
    }
    const [, account, roleName] = match as unknown as [string, string, string];
    this.#prune();
    const now = this.#now();
    // AWS reports Expiration to the second.
    const expiration = new Date(Math.floor(now / 1000) * 1000 + duration * 1000);
    const stored: StoredCredentials = {
      accessKeyId: `ASIA${base32(16)}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(192).toString('base64')}`,
      expiration,
      roleArn: input.roleArn,
      roleName,
      assumedRoleArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${input.sessionName}`,
      assumedRoleId: `${roleId(input.roleArn)}:${input.sessionName}`,
      subject: input.subject,
      sessionName: input.sessionName,
    };
    this.#byKey.set(stored.accessKeyId, stored);
    return {
      AccessKeyId: stored.accessKeyId,
      SecretAccessKey: stored.secretAccessKey,
      SessionToken: stored.sessionToken,
      Expiration: expiration,
    };
  }

  /** The credentials behind a key, expired ones included (the caller tells "expired" from "unknown"). */
  lookup(accessKeyId: string): StoredCredentials | undefined {
    return this.#byKey.get(accessKeyId);
  }

  // Expired keys are kept for an hour so that a late request is told "expired", not "unknown".
  #prune(): void {
    const cutoff = this.#now() - 3600_000;
    for (const [key, value] of this.#byKey) {
      if (value.expiration.getTime() < cutoff) this.#byKey.delete(key);
    }
  }
}
