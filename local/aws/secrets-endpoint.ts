/**
 * Secrets Manager's front door on the edge: the call's SigV4 signature and the
 * caller's policy (service-auth.ts) before LocalSecrets answers it, with Secrets
 * Manager's own error types and statuses for a refused call.
 */
import type { IncomingRequest } from './gateway-request';
import type { LocalSecrets, SecretsAnswer } from './secrets';
import { ServiceError, type ServiceAuthorizer, type ServiceErrorType } from './service-auth';

// Secrets Manager's Common Errors: MissingAuthenticationToken is a 403, the rest 400.
const statusOf = (type: ServiceErrorType) =>
  type === 'MissingAuthenticationTokenException' ? 403 : 400;

/** One signed JSON 1.1 call (`target`: its X-Amz-Target). */
export async function serveSecretsCall(
  auth: ServiceAuthorizer,
  secrets: LocalSecrets,
  target: string,
  request: IncomingRequest,
): Promise<SecretsAnswer> {
  try {
    const caller = await auth.authenticate(request);
    return secrets.handle(target, Buffer.from(request.body).toString('utf8'), (action, resource) =>
      auth.authorize(caller, action, resource),
    );
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return {
      statusCode: statusOf(error.type),
      body: JSON.stringify({ __type: error.type, message: error.message }),
      outcome: `refused: ${error.type} (${error.reason})`,
    };
  }
}
