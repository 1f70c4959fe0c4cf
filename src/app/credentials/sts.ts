import { InjectionToken } from '@angular/core';

/** The slice of @aws-sdk/client-sts used here: the boundary the unit tests fake. */
export interface StsSdk {
  STSClient: new (config: { region: string; endpoint?: string }) => {
    send(command: unknown): Promise<AssumeRoleOutput>;
  };
  AssumeRoleWithWebIdentityCommand: new (input: {
    RoleArn: string;
    RoleSessionName: string;
    WebIdentityToken: string;
    DurationSeconds?: number;
  }) => unknown;
}

export interface AssumeRoleOutput {
  Credentials?: {
    AccessKeyId?: string;
    SecretAccessKey?: string;
    SessionToken?: string;
    Expiration?: Date;
  };
}

/** Loads the STS client on first use: it stays out of the initial bundle. */
export const STS_SDK = new InjectionToken<() => Promise<StsSdk>>('STS_SDK', {
  providedIn: 'root',
  factory: () => () => import('@aws-sdk/client-sts') as unknown as Promise<StsSdk>,
});
