import { ExpiringMap } from './expiring-map';
import { IpThrottle } from './ip-throttle';
import { normaliseEmail } from './users';

/**
 * Auth0's brute-force protection as its default tenant has it: 10 consecutive failed
 * logins for one account from one IP block that pair ("count_per_identifier_and_ip",
 * shield "block"). Auth0 keeps the block until the user follows the link in the
 * blocked-account email; locally there is no email, so the block lifts after
 * `blockMinutes`, or when the local cloud restarts (it is kept in memory), and no test
 * is left locked out.
 */
export const bruteForceProtection = { maxAttempts: 10, blockMinutes: 15 } as const;

/** Auth0's wording on its login page, then what unblocks it here. */
export const blockedMessage =
  'Your account has been blocked after multiple consecutive login attempts. ' +
  `The local identity provider lifts the block after ${bruteForceProtection.blockMinutes} minutes, or when the local cloud restarts.`;

interface Attempts {
  failures: number;
  /** Set once `failures` reaches the maximum. */
  blockedUntil?: number;
}

/** Why a login is refused before its password is checked: the address, or the pair. */
export type Refusal = 'throttledIp' | 'blockedAccount';

/**
 * Failed logins per (email, IP), and per source address across emails (Auth0's
 * suspicious IP throttling, ip-throttle.ts). Unknown emails count too and block the
 * same way, so the brake tells nobody which accounts exist. A pair's failures reset
 * on a successful login, and are forgotten `blockMinutes` after the last one, so the
 * map holds only recent attackers (and each counts at most once per scrypt check).
 */
export class LoginBrake {
  readonly #now: () => number;
  readonly #attempts: ExpiringMap<string, Attempts>;
  readonly #ips: IpThrottle;
  readonly #windowMs = bruteForceProtection.blockMinutes * 60_000;

  constructor(options: { now?: () => number; sweepEveryMs?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#attempts = new ExpiringMap({ now: this.#now });
    this.#attempts.sweepEvery(options.sweepEveryMs ?? 60_000);
    this.#ips = new IpThrottle({ now: this.#now, sweepEveryMs: options.sweepEveryMs ?? 60_000 });
  }

  /** Why this login is refused now, if it is: then the password is not even checked. */
  refusal(email: string, ip: string): Refusal | undefined {
    if (this.#ips.isThrottled(ip)) return 'throttledIp';
    const blockedUntil = this.#attempts.get(key(email, ip))?.blockedUntil;
    return blockedUntil !== undefined && blockedUntil > this.#now() ? 'blockedAccount' : undefined;
  }

  /** Counts a failure; says whether it blocked the pair or throttled the address. */
  recordFailure(email: string, ip: string): { blocked: boolean; throttled: boolean } {
    const k = key(email, ip);
    const now = this.#now();
    const attempts = this.#attempts.get(k) ?? { failures: 0 };
    attempts.failures++;
    const blocked = attempts.failures >= bruteForceProtection.maxAttempts;
    if (blocked) attempts.blockedUntil = now + this.#windowMs;
    this.#attempts.set(k, attempts, now + this.#windowMs);
    return { blocked, throttled: this.#ips.recordFailure(ip) };
  }

  /** Resets the pair's count; the address's throttle counts failures only, as Auth0's. */
  recordSuccess(email: string, ip: string): void {
    this.#attempts.delete(key(email, ip));
  }

  close(): void {
    this.#attempts.stop();
    this.#ips.close();
  }
}

function key(email: string, ip: string): string {
  return `${normaliseEmail(email)}\n${ip}`;
}
