import { randomBytes } from 'node:crypto';
import {
  assumedRoleArn,
  assumedRoleId,
  awsIdAlphabet,
  sessionDuration,
  sessionNamePattern,
} from '../../api/credentials';

/** Why a credential request was refused; STS maps it to a ValidationError. */
export class CredentialRequestError extends Error {
  override readonly name = 'CredentialRequestError';
}

/**
 * Issued credentials and everything known about them: what STS and delegation hand
 * out, and what the gateway needs to know about a key it sees in a signature.
 */
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

// Temporary access key ids are ASIA + 16 characters.
function base32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += awsIdAlphabet[byte & 31];
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
  }): StoredCredentials {
    const duration = input.durationSeconds ?? sessionDuration.defaultSeconds;
    if (
      !Number.isInteger(duration) ||
      duration < sessionDuration.minSeconds ||
      duration > sessionDuration.maxSeconds
    ) {
      throw new CredentialRequestError(
        `DurationSeconds must be an integer from ${sessionDuration.minSeconds} to ${sessionDuration.maxSeconds}, got ${duration}`,
      );
    }
    const match = ROLE_ARN.exec(input.roleArn);
    if (!match) throw new CredentialRequestError(`${input.roleArn} is not a role ARN`);
    if (!sessionNamePattern.test(input.sessionName)) {
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
      assumedRoleArn: assumedRoleArn(account, roleName, input.sessionName),
      assumedRoleId: assumedRoleId(input.roleArn, input.sessionName),
      subject: input.subject,
      sessionName: input.sessionName,
    };
    this.#byKey.set(stored.accessKeyId, stored);
    return stored;
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
