/**
 * The local service credentials: access key `test`, secret `test`, as LocalStack's.
 * They stand for the developer's own tools (`npm run seed`, the local cloud's own
 * provisioning, the tests) and have full access to the local data services, as an
 * account's administrator would. Everyone else signs with temporary credentials from
 * the local STS and gets what their role's policy gives.
 */
import type { SigningKey } from './sigv4-credential';

export const serviceCredentials = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Who the service credentials are, in an AccessDenied message or a log line. */
export function serviceCredentialsArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

/** The signing key of the service credentials, or undefined for any other key. */
export function serviceSigningKey(accessKeyId: string): SigningKey | undefined {
  return accessKeyId === serviceCredentials.accessKeyId
    ? { secretAccessKey: serviceCredentials.secretAccessKey }
    : undefined;
}
