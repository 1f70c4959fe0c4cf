/**
 * SigV4 verification for execute-api: parse what the client claims, in the
 * `Authorization` header (sigv4-claim.ts) or the query string of a presigned URL
 * (sigv4-query-claim.ts), check the credential it names (sigv4-credential.ts), then
 * recompute the signature with the AWS signer itself over exactly the headers the
 * client signed and compare in constant time (sigv4-signature.ts). Only the parsing
 * and the policy around it (skew, token, expiry, body hash) are ours.
 */
import type { IncomingRequest } from './gateway-request';
import { readClaim } from './sigv4-claim';
import { checkScope, signingKeyOf, type VerifyOptions } from './sigv4-credential';
import { readQueryClaim } from './sigv4-query-claim';
import { checkSignature } from './sigv4-signature';

export interface VerifiedCaller {
  accessKeyId: string;
  signedHeaders: string[];
}

/**
 * Checks a request's SigV4 signature, in the Authorization header or the query
 * string (presigned). Throws a
 * GatewayError with API Gateway's type and wording on any refusal, in API
 * Gateway's order: the claim's form, the key, the scope and time, the signature.
 */
export async function verifySignature(
  request: IncomingRequest,
  options: VerifyOptions,
): Promise<VerifiedCaller> {
  const claim = readQueryClaim(request) ?? readClaim(request.headers);
  const key = signingKeyOf(claim, request.headers, options);
  checkScope(claim, options);
  await checkSignature(request, claim, key.secretAccessKey, options.dialect);
  return { accessKeyId: claim.accessKeyId, signedHeaders: claim.signedHeaders };
}
