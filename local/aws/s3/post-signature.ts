/**
 * The signature of a browser upload (SigV4 POST): the signing key is derived from
 * the secret and the scope of `X-Amz-Credential` (date, region, `s3`), and the
 * signature is the HMAC-SHA256 of the base64 `Policy` field with it, hex. The key
 * must be known, carry its session token (`X-Amz-Security-Token`) and not be expired,
 * as for any other S3 request. The key derivation is the AWS signer's own.
 */
import { createHmac } from 'node:crypto';
import { getSigningKey } from '@smithy/signature-v4';
import type { SigningKey } from '../sigv4-credential';
import { equalInConstantTime, NodeSha256 } from '../sigv4-signature';
import { S3Error, SIGNATURE_DOES_NOT_MATCH } from './errors';

export interface PostSignatureOptions {
  region: string;
  now: number;
  lookup: (accessKeyId: string) => SigningKey | undefined;
}

/** The form fields SigV4 POST requires besides `key` and `file`, as S3 names them in errors. */
const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature'];

export const missingField = (name: string) =>
  new S3Error(
    'InvalidArgument',
    400,
    `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    { ArgumentName: name, ArgumentValue: '' },
    `no ${name} field`,
  );

/** The access key that signed the form's policy, or S3's error. */
export async function verifyPostSignature(
  fields: ReadonlyMap<string, string>,
  options: PostSignatureOptions,
): Promise<string> {
  const field = (name: string) => fields.get(name.toLowerCase());
  for (const name of REQUIRED) if (!field(name)) throw missingField(name);
  const policy = field('Policy') ?? '';
  const algorithm = field('X-Amz-Algorithm')!;
  if (algorithm !== 'AWS4-HMAC-SHA256') {
    throw new S3Error('InvalidArgument', 400, `X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`, {
      ArgumentName: 'X-Amz-Algorithm',
      ArgumentValue: algorithm,
    });
  }
  const credential = field('X-Amz-Credential')!;
  const parts = credential.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw new S3Error('InvalidArgument', 400, `Invalid credential: ${credential}`, {
      ArgumentName: 'X-Amz-Credential',
      ArgumentValue: credential,
    });
  }
  const [accessKeyId, date, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  const key = options.lookup(accessKeyId);
  if (!key) {
    throw new S3Error(
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
      { AWSAccessKeyId: accessKeyId },
    );
  }
  if (key.sessionToken !== undefined) {
    const token = field('X-Amz-Security-Token');
    if (token === undefined || !equalInConstantTime(token, key.sessionToken)) {
      throw new S3Error(
        'InvalidToken',
        400,
        'The provided token is malformed or otherwise invalid.',
      );
    }
  }
  if (key.expiration && key.expiration.getTime() <= options.now) {
    throw new S3Error('ExpiredToken', 400, 'The provided token has expired.');
  }
  if (region !== options.region || service !== 's3' || terminator !== 'aws4_request') {
    throw new S3Error(
      'AuthorizationQueryParametersError',
      400,
      `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${options.region}'`,
      {},
      `scope ${date}/${region}/${service}/${terminator}`,
    );
  }
  const signingKey = await getSigningKey(
    NodeSha256,
    { accessKeyId, secretAccessKey: key.secretAccessKey },
    date,
    region,
    's3',
  );
  const expected = createHmac('sha256', signingKey).update(policy, 'utf8').digest('hex');
  if (!equalInConstantTime(expected, field('X-Amz-Signature')!)) {
    throw new S3Error(
      'SignatureDoesNotMatch',
      403,
      SIGNATURE_DOES_NOT_MATCH,
      {},
      'forged policy signature',
    );
  }
  return accessKeyId;
}
