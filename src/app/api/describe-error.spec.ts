import { ApiError } from './pets-api';
import { CredentialsError } from '../credentials/credentials';
import { describeError } from './describe-error';

describe('describeError', () => {
  it('explains each gateway refusal in plain words', () => {
    const refusal = (type: string) => describeError(new ApiError(403, 'x', type));
    expect(refusal('AccessDeniedException')).toBe('Your role is not allowed to do that.');
    expect(refusal('InvalidSignatureException')).toContain('clock');
    expect(refusal('UnrecognizedClientException')).toContain('log in again');
    expect(refusal('ExpiredTokenException')).toContain('log in again');
    expect(refusal('MissingAuthenticationTokenException')).toBe('x');
  });

  it('covers bad tokens, credential failures and the unexpected', () => {
    expect(describeError(new ApiError(401, 'Invalid token'))).toContain('no longer valid');
    expect(describeError(new CredentialsError('STS down'))).toBe('STS down');
    expect(describeError(new Error('?'))).toBe('Something went wrong. Please try again.');
  });
});
