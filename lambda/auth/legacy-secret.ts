import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { EnvironmentError } from '../config';

/** How long a container keeps the secret before asking Secrets Manager again. */
const MAX_AGE_SECONDS = 300;
/** Shorter would make HS256 tokens forgeable by brute force. */
const MIN_BYTES = 16;

/**
 * The HS256 secret of a legacy Auth0 client, read from Secrets Manager at run time
 * (Powertools caches it per container for five minutes), never from the
 * environment: a value there is part of the function's configuration, readable by
 * anyone allowed lambda:GetFunctionConfiguration. The secret holds the base64 client
 * secret, as a string or in a field of a JSON object. Any problem with it is a
 * deployment mistake: EnvironmentError, a 500 with the reason in the log.
 */
export async function legacySecret(location: {
  secretId: string;
  jsonField?: string;
}): Promise<Uint8Array> {
  const { secretId, jsonField } = location;
  let value: unknown;
  try {
    value = jsonField
      ? ((await getSecret<Record<string, unknown>>(secretId, {
          maxAge: MAX_AGE_SECONDS,
          transform: 'json',
          throwOnMissing: true,
        })) ?? {})[jsonField]
      : await getSecret(secretId, { maxAge: MAX_AGE_SECONDS, throwOnMissing: true });
  } catch (error) {
    throw new EnvironmentError(`The legacy HS256 secret ${secretId} could not be read`, {
      cause: error,
    });
  }
  const bytes =
    typeof value === 'string' ? new Uint8Array(Buffer.from(value.trim(), 'base64')) : undefined;
  if (!bytes || bytes.length < MIN_BYTES) {
    throw new EnvironmentError(
      `The legacy HS256 secret ${secretId}${jsonField ? ` (field ${jsonField})` : ''} must be base64 of at least ${MIN_BYTES} bytes`,
    );
  }
  return bytes;
}
