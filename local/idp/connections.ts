/**
 * What each connection decides about a submitted sign-in: the database connection
 * (a password, behind the brute-force brake) and the simulated Login with Amazon.
 * Either the account signs in, or its form is shown again with a status and why.
 */
import { databaseSub } from '../../api/roles';
import { blockedMessage, type LoginBrake, type Refusal } from './brute-force';
import { throttledMessage } from './ip-throttle';
import { emailProblem, maxEmailLength, type SocialDirectory, type UserStore } from './users';

export type SignIn =
  | { accountId: string }
  /** `email` is what the form shows again; absent, the field is left empty. */
  | { status: number; error: string | undefined; email?: string };

export interface DatabaseConnection {
  users: UserStore;
  brake: LoginBrake;
  log: (line: string) => void;
}

/** The brake counts failures per email and client address (`ip`). */
export async function databaseLogin(
  email: string,
  password: string,
  ip: string,
  { users, brake, log }: DatabaseConnection,
): Promise<SignIn> {
  // Checked before the brake so that nothing is kept for an address no one can have.
  if (email.length > maxEmailLength) return { status: 400, error: emailProblem(email) };
  const refuse = (refusal: Refusal) => {
    if (refusal === 'throttledIp') {
      log(`login: database connection, ${ip} throttled (too many failed attempts from it)`);
      return { status: 429, email, error: throttledMessage };
    }
    log(`login: database connection, blocked for ${ip} (too many failed attempts)`);
    return { status: 429, email, error: blockedMessage };
  };
  // A blocked pair's or throttled address's password is not even checked, the right one included.
  const before = brake.refusal(email, ip);
  if (before) return refuse(before);
  const user = await users.authenticate(email, password);
  // Guesses sent in parallel were all let in above; those that end after the block
  // began are refused too, so parallelism buys no extra guesses.
  const after = brake.refusal(email, ip);
  if (after) return refuse(after);
  if (!user) {
    const { blocked, throttled } = brake.recordFailure(email, ip);
    // Auth0 emails the user a link that unblocks; here the block times out.
    if (blocked) log(`login: database connection, ${ip} blocked for this account`);
    if (throttled) log(`login: database connection, ${ip} throttled for every account`);
    log('login: database connection, wrong email or password');
    // One message for an unknown email and a wrong password: no account enumeration.
    return { status: 401, email, error: 'Wrong email or password.' };
  }
  brake.recordSuccess(email, ip);
  const sub = databaseSub(user.id);
  log(`login: database connection, ${sub}`);
  return { accountId: sub };
}

/** Any well-formed email is an Amazon customer, the same one for the same address. */
export async function amazonLogin(
  email: string,
  { social, log }: { social: SocialDirectory; log: (line: string) => void },
): Promise<SignIn> {
  const problem = emailProblem(email);
  if (problem) {
    // An over-long address is not echoed back into the page.
    const shown = email.length > maxEmailLength ? '' : email;
    return { status: 400, email: shown, error: problem };
  }
  const sub = await social.remember(email);
  log(`login: social connection (amazon), ${sub}`);
  return { accountId: sub };
}
