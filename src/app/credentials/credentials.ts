import { Injectable, inject } from '@angular/core';
import { Auth } from '../auth/auth';
import { Auth0Client, Auth0Error } from '../auth/auth0-client';
import { STORAGE_KEYS } from '../auth/session';
import { SESSION_STORAGE } from '../auth/storage';
import { sessionDuration, sessionNameFor } from '../../../api/credentials';
import { APP_CONFIG } from '../config/app-config';
import { STS_SDK } from './sts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms since the epoch */
  expiration: number;
  /** Whose they are: stored credentials of another user or role are never reused. */
  owner: string;
}

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

interface StsLikeError {
  name?: string;
  Code?: string;
  message?: string;
}

/**
 * Short-lived AWS credentials for the signed-in user's role, in the mode config.json
 * names: STS AssumeRoleWithWebIdentity with the ID token, or legacy Auth0 delegation.
 * Kept in sessionStorage with their Expiration and renewed before it.
 */
@Injectable({ providedIn: 'root' })
export class Credentials {
  private readonly config = inject(APP_CONFIG);
  private readonly auth = inject(Auth);
  private readonly auth0 = inject(Auth0Client);
  private readonly loadSts = inject(STS_SDK);
  private readonly storage = inject(SESSION_STORAGE);
  private pending?: Promise<AwsCredentials>;

  /** Valid credentials: the stored ones while they have 5 minutes left, else new ones. */
  async get(): Promise<AwsCredentials> {
    const stored = this.read();
    if (stored && stored.expiration - CREDENTIALS_MARGIN_MS > Date.now()) return stored;
    return this.renew();
  }

  /** New credentials now (also after the gateway called ours unknown or expired). */
  renew(): Promise<AwsCredentials> {
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  clear(): void {
    this.storage.removeItem(STORAGE_KEYS.credentials);
  }

  private owner(): string {
    const session = this.auth.session();
    return session ? `${session.profile.sub} ${session.role}` : '';
  }

  private read(): AwsCredentials | null {
    try {
      const stored = JSON.parse(
        this.storage.getItem(STORAGE_KEYS.credentials) ?? 'null',
      ) as AwsCredentials | null;
      return stored && stored.owner === this.owner() ? stored : null;
    } catch {
      return null;
    }
  }

  private async fetch(): Promise<AwsCredentials> {
    const session = this.auth.session();
    const idToken = this.auth.idToken();
    if (!session || !idToken) throw new CredentialsError('You are not signed in.');
    const roleArn = this.config.credentials.roles[session.role];
    const credentials =
      this.config.credentials.mode === 'delegation'
        ? await this.delegate(idToken, roleArn)
        : await this.assumeRole(idToken, roleArn, session.profile.sub);
    this.storage.setItem(STORAGE_KEYS.credentials, JSON.stringify(credentials));
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

  private async assumeRole(idToken: string, roleArn: string, sub: string): Promise<AwsCredentials> {
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
          RoleSessionName: sessionNameFor(sub),
          WebIdentityToken: idToken,
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
        owner: this.owner(),
      };
    } catch (error) {
      if (error instanceof CredentialsError) throw error;
      const e = error as StsLikeError;
      if (e.name === 'AccessDenied' || e.Code === 'AccessDenied') {
        throw this.refused(this.auth.role() ?? 'requested');
      }
      throw new CredentialsError(
        `AWS credentials could not be obtained${e.message ? `: ${e.message}` : '.'}`,
      );
    }
  }

  private async delegate(idToken: string, roleArn: string): Promise<AwsCredentials> {
    let result: unknown;
    try {
      result = await this.auth0.delegation({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        id_token: idToken,
        api_type: 'aws',
        scope: 'openid',
        target: this.config.auth0.clientId,
        role: roleArn,
        principal: this.config.credentials.principal,
      });
    } catch (error) {
      const status = error instanceof Auth0Error ? error.statusCode : undefined;
      if (status === 401 || status === 403) throw this.refused(this.auth.role() ?? 'requested');
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
      owner: this.owner(),
    };
  }
}
