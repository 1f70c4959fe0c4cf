/**
 * The Lambdas' execution-role credentials, issued by the local STS's credential
 * store as AWS's Lambda service assumes a function's role: session name the
 * function's name, lifetime the longest STS gives (12 h). Each execution environment
 * gets fresh ones when it starts, and environments are retired after at most 6 h
 * (Lambda too recycles its environments after some hours), so a long-running local
 * cloud never serves a call with expired credentials.
 */
import { sessionDuration } from '../../api/credentials';
import type { HandlerName } from '../../api/handlers';
import type { CredentialStore } from './credentials';
import { functionRoleArn } from './role-policies';

export const functionCredentialSeconds = sessionDuration.maxSeconds;
export const maxEnvironmentAgeMs = (functionCredentialSeconds * 1000) / 2;

/** Fresh credentials of `name`'s execution role, at each call. */
export function functionCredentials(store: CredentialStore, account: string) {
  return (name: HandlerName) => {
    const issued = store.issue({
      roleArn: functionRoleArn(name, account),
      subject: 'lambda.amazonaws.com',
      sessionName: name,
      durationSeconds: functionCredentialSeconds,
    });
    return {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
    };
  };
}
