import { ApiError } from './pets-api';
import { CredentialsError, RoleRefusedError } from '../credentials/credentials';

/** Turns any failure into one sentence for the user. */
export function describeError(error: unknown): string {
  if (error instanceof RoleRefusedError || error instanceof CredentialsError) {
    return error.message;
  }
  if (error instanceof ApiError) {
    if (error.status === 403) {
      switch (error.errorType) {
        case 'AccessDeniedException':
          return 'Your role is not allowed to do that.';
        case 'InvalidSignatureException':
          return "The request signature was refused. Check that your computer's clock is correct.";
        case 'UnrecognizedClientException':
        case 'ExpiredTokenException':
          return 'Your AWS credentials were not accepted, even after renewing them. Please log in again.';
      }
    }
    if (error.status === 401)
      return 'Your sign-in is no longer valid. Please log out and log in again.';
    return error.message;
  }
  return 'Something went wrong. Please try again.';
}
