/**
 * Secrets Manager, the part the Lambdas use: GetSecretValue over AWS's JSON 1.1
 * protocol (`X-Amz-Target: secretsmanager.GetSecretValue`), with AWS's error shape,
 * so the Lambdas read their secrets through the real SDK (and Powertools) exactly
 * as in AWS. The secrets are whatever the local cloud gives it; a value is never logged.
 */
import { randomUUID } from 'node:crypto';

export const SECRETS_TARGET_PREFIX = 'secretsmanager.';

export interface SecretsAnswer {
  statusCode: number;
  body: string;
  /** For the log: which call, and found or not (never the value). */
  outcome: string;
}

export class LocalSecrets {
  readonly #values = new Map<string, string>();
  readonly #created = Date.now() / 1000;

  constructor(
    private readonly account: string,
    private readonly region: string,
    secrets: Record<string, string> = {},
  ) {
    for (const [name, value] of Object.entries(secrets)) this.#values.set(name, value);
  }

  /** `arn:aws:secretsmanager:{region}:{account}:secret:{name}-AbCdEf`, as AWS names one. */
  arnOf(name: string): string {
    return `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}-local1`;
  }

  set(name: string, value: string): void {
    this.#values.set(name, value);
  }

  /**
   * One JSON 1.1 call: `target` is the X-Amz-Target header, `body` the request's JSON.
   * `authorize(action, resource)` throws when the caller may not read the secret; it
   * runs before the secret is looked up, so a refused caller cannot tell which exist.
   */
  handle(
    target: string,
    body: string,
    authorize: (action: string, resource: string) => void = () => undefined,
  ): SecretsAnswer {
    const operation = target.slice(SECRETS_TARGET_PREFIX.length);
    if (operation !== 'GetSecretValue') {
      return error(400, 'UnknownOperationException', '', `${operation}: not served locally`);
    }
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body || '{}') as { SecretId?: unknown }).SecretId;
    } catch {
      return error(
        400,
        'SerializationException',
        'Start of structure or map found where not expected.',
        'bad JSON',
      );
    }
    if (typeof secretId !== 'string' || secretId === '') {
      return error(
        400,
        'ValidationException',
        "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
        'no SecretId',
      );
    }
    const name = [...this.#values.keys()].find((n) => n === secretId || this.arnOf(n) === secretId);
    authorize(
      'secretsmanager:GetSecretValue',
      name !== undefined
        ? this.arnOf(name)
        : secretId.startsWith('arn:')
          ? secretId
          : this.arnOf(secretId),
    );
    if (name === undefined) {
      return error(
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
        `GetSecretValue ${secretId}: not found`,
      );
    }
    return {
      statusCode: 200,
      body: JSON.stringify({
        ARN: this.arnOf(name),
        Name: name,
        SecretString: this.#values.get(name),
        VersionId: randomUUID(),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: this.#created,
      }),
      outcome: `GetSecretValue ${name}`,
    };
  }
}

function error(statusCode: number, type: string, message: string, outcome: string): SecretsAnswer {
  return { statusCode, body: JSON.stringify({ __type: type, message }), outcome };
}
