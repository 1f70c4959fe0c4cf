import type { AssumeRoleOutput, StsSdk } from '../app/credentials/sts';

export interface StsCall {
  config: { region: string; endpoint?: string };
  input: {
    RoleArn: string;
    RoleSessionName: string;
    WebIdentityToken: string;
    DurationSeconds?: number;
  };
}

/**
 * @aws-sdk/client-sts's AssumeRoleWithWebIdentity: it issues numbered credentials
 * (ASIA1, ASIA2…) and remembers which role each access key id belongs to, which the
 * fake gateway's IAM check reads.
 */
export class FakeSts {
  calls: StsCall[] = [];
  /** The role ARN each issued access key id belongs to (the gateway's view of a caller). */
  issued = new Map<string, string>();
  /** What the next calls answer: credentials expiring after `lifetimeMs`, or an error. */
  lifetimeMs = 3600_000;
  error: unknown = null;
  private counter = 0;

  readonly sdk: StsSdk = (() => {
    const fake = this as FakeSts;
    class Command {
      constructor(readonly input: StsCall['input']) {}
    }
    class Client {
      constructor(readonly config: StsCall['config']) {}
      async send(command: Command): Promise<AssumeRoleOutput> {
        fake.calls.push({ config: this.config, input: command.input });
        if (fake.error) throw fake.error;
        fake.counter += 1;
        fake.issued.set(`ASIA${fake.counter}`, command.input.RoleArn);
        return {
          Credentials: {
            AccessKeyId: `ASIA${fake.counter}`,
            SecretAccessKey: `secret${fake.counter}`,
            SessionToken: `token${fake.counter}`,
            Expiration: new Date(Date.now() + fake.lifetimeMs),
          },
        };
      }
    }
    return {
      STSClient: Client,
      AssumeRoleWithWebIdentityCommand: Command,
    } as unknown as StsSdk;
  })();
}
