import { maxSessionDuration, roleNames } from './roles';

/**
 * The rules of the short-lived AWS credentials the app trades its ID token for:
 * how long they may last and how their session is named. STS in AWS applies them;
 * the local STS and the app read them from here.
 */

/**
 * AssumeRoleWithWebIdentity's DurationSeconds: STS's bounds and default. STS then
 * also refuses more than the role's MaxSessionDuration (api/roles.ts).
 */
export const sessionDuration = {
  minSeconds: 900,
  maxSeconds: 43200,
  defaultSeconds: 3600,
} as const;

export function isSessionDuration(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= sessionDuration.minSeconds &&
    value <= sessionDuration.maxSeconds
  );
}

/**
 * What the app may ask for (config.json `credentials.durationSeconds`): STS's minimum
 * up to the shortest MaxSessionDuration of the roles, since one setting serves both.
 */
export const appSessionDuration = {
  minSeconds: sessionDuration.minSeconds,
  maxSeconds: Math.min(...roleNames.map((role) => maxSessionDuration[role])),
} as const;

export function isAppSessionDuration(value: unknown): value is number {
  return isSessionDuration(value) && value <= appSessionDuration.maxSeconds;
}

/** What STS accepts as a RoleSessionName: 2 to 64 of `[\w+=,.@-]`. */
export const sessionNamePattern = /^[\w+=,.@-]{2,64}$/;

/**
 * The session name for a user: their `sub`, so each session is traceable to its
 * user in CloudTrail and API Gateway's logs, within STS's alphabet and length.
 */
export function sessionNameFor(sub: string): string {
  return sub
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, 64)
    .padEnd(2, '-');
}

/** `arn:aws:sts::{account}:assumed-role/{roleName}/{sessionName}`, as STS names a session. */
export function assumedRoleArn(account: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

/** The alphabet of AWS's ids (access key ids, role ids): upper-case base32. */
export const awsIdAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A role's unique id (`AROA` + 17 characters), as IAM would report it. The local cloud has no IAM
 * to ask, so it derives one from the role's ARN (an FNV-1a hash): stable across sessions
 * and restarts, the same for every part that reports it.
 */
export function roleIdFor(roleArn: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < roleArn.length; i++) {
    hash = Math.imul(hash ^ roleArn.charCodeAt(i), 0x01000193) >>> 0;
  }
  let id = 'AROA';
  while (id.length < 21) {
    // A multiply's top bits depend on all of its input's bits; its low bits do not.
    hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d) >>> 0;
    id += awsIdAlphabet[hash >>> 27];
  }
  return id;
}

/** `{roleId}:{sessionName}`: what API Gateway reports as the caller. */
export function assumedRoleId(roleArn: string, sessionName: string): string {
  return `${roleIdFor(roleArn)}:${sessionName}`;
}
