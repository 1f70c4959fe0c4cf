import { Injectable, inject } from '@angular/core';
import { Auth0Client, Auth0Error } from '../auth/auth0-client';
import type { Session } from '../auth/session';
import { sessionDuration, sessionNameFor } from '../../../api/credentials';
import { APP_CONFIG } from '../config/app-config';
import { type AwsCredentials, CredentialsStore } from './credentials-store';
import { STS_SDK } from './sts';

/** Renew credentials this long before their Expiration. */
export const CREDENTIALS_MARGIN_MS = 5 * 60_000;

/** The role was refused (STS AccessDenied, or delegation refused). */
export class RoleRefusedError extends Error {
  override readonly name = 'RoleRefusedError';
}
/** Credentials could not be obtained for another reason (network, STS down, no session). */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

/** Credentials as STS or Auth0 issue them, before they are marked as the session's. */
type Issued = Omit<AwsCredentials, 'owner'>;

interface StsLikeError {
  name?: string;
  Code?: string;
  message?: string;
}

/** Whose credentials a session may use: its user in its role. */
const ownerOf = (session: Session): string => `${session.profile.sub} ${session.role}`;

/**
 * Short-lived AWS credentials for a session's role, in the mode config.json names:
 * STS AssumeRoleWithWebIdentity with the ID token, or legacy Auth0 delegation. Kept
 * (CredentialsStore) with their Expiration and renewed before it. The caller passes
 * the session it acts for, read once for its whole call.
 */
@Injectable({ providedIn: 'root' })
export class Credentials {
  private readonly config = inject(APP_CONFIG);
  private readonly auth0 = inject(Auth0Client);
  private readonly loadSts = inject(STS_SDK);
  private readonly store = inject(CredentialsStore);
  private pending?: Promise<AwsCredentials>;

  /** Valid credentials: the stored ones while they have 5 minutes left, else new ones. */
  async get(session: Session | null): Promise<AwsCredentials> {
    const stored = session && this.store.read(ownerOf(session));
    if (stored && stored.expiration - CREDENTIALS_MARGIN_MS > Date.now()) return stored;
    return this.renew(session);
  }

  /** New credentials now (also after the gateway called ours unknown or expired). */
  renew(session: Session | null): Promise<AwsCredentials> {
    this.pending ??= this.fetch(session).finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(session: Session | null): Promise<AwsCredentials> {
    if (!session || session.expiresAt <= Date.now()) {
      throw new CredentialsError('You are not signed in.');
    }
    const roleArn = this.config.credentials.roles[session.role];
    const issued =
      this.config.credentials.mode === 'delegation'
        ? await this.delegate(session, roleArn)
        : await this.assumeRole(session, roleArn);
    const credentials = { ...issued, owner: ownerOf(session) };
    this.store.write(credentials);
    return credentials;
  }

  private refused(role: string): RoleRefusedError {
    // The admin role trusts named users only: a database user off the list lands here.
    return new RoleRefusedError(
      role === 'admin'
        ? 'AWS refused the admin role for your account: it is not one of the admins the ' +
            'store owner named. Ask the store owner to add you.'
        : `AWS refused the ${role} role for your account, so you cannot change the store. ` +
            'Ask the store owner to check your access.',
    );
  }

  private async assumeRole(session: Session, roleArn: string): Promise<Issued> {
    const { STSClient, AssumeRoleWithWebIdentityCommand } = await this.loadSts().catch(() => {
      throw new CredentialsError('The AWS client could not be loaded. Check your connection.');
    });
    const { region } = this.config.api;
    const endpoint = this.config.credentials.stsEndpoint;
    const client = new STSClient(endpoint ? { region, endpoint } : { region });
    try {
      const output = await client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn,
          RoleSessionName: sessionNameFor(session.profile.sub),
          WebIdentityToken: session.idToken,
          DurationSeconds:
            this.config.credentials.durationSeconds ?? sessionDuration.defaultSeconds,
        }),
      );
      const c = output.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new CredentialsError('STS answered without credentials.');
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration).getTime(),
      };
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      const e = error as StsLikeError;
      if (e.name === 'AccessDenied' || e.Code === 'AccessDenied') {
        throw this.refused(session.role);
      }
      throw new CredentialsError(
        `AWS credentials could not be obtained${e.message ? `: ${e.message}` : '.'}`,
      );
    }
  }

  private async delegate(session: Session, roleArn: string): Promise<Issued> {
    let result: unknown;
    try {
      result = await this.auth0.delegation({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        id_token: session.idToken,
        api_type: 'aws',
        scope: 'openid',
        target: this.config.auth0.clientId,
        role: roleArn,
        principal: this.config.credentials.principal,
      });
    } catch (error) {
      const status = error instanceof Auth0Error ? error.statusCode : undefined;
      if (status === 401 || status === 403) throw this.refused(session.role);
      throw new CredentialsError(
        `AWS credentials could not be obtained: ${error instanceof Error ? error.message : error}`,
      );
    }
    const c = (result as { Credentials?: Record<string, unknown> } | null)?.Credentials;
    if (
      typeof c?.['AccessKeyId'] !== 'string' ||
      typeof c['SecretAccessKey'] !== 'string' ||
      typeof c['SessionToken'] !== 'string' ||
      !c['Expiration']
    ) {
      throw new CredentialsError('Delegation answered without AWS credentials.');
    }
    return {
      accessKeyId: c['AccessKeyId'],
      secretAccessKey: c['SecretAccessKey'],
      sessionToken: c['SessionToken'],
      expiration: new Date(c['Expiration'] as string).getTime(),
    };
  }
}
