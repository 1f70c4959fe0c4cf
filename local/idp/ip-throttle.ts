import { ExpiringMap } from './expiring-map';

/**
 * Auth0's suspicious IP throttling as a new tenant has it (the "pre-login" stage:
 * `max_attempts` 100, `rate` 864000 ms): every source address has 100 failed logins,
 * whatever the accounts, and gets one back every 864 s (100 a day). With none left,
 * every login from it is refused, the right password included, until one comes back.
 */
export const suspiciousIpThrottling = { maxAttempts: 100, refillEveryMs: 864_000 } as const;

/** Auth0's wording on its login page (`ip-blocked`), then what unblocks it here. */
export const throttledMessage =
  'We have detected suspicious login behavior and further attempts will be blocked. ' +
  `The local identity provider allows one more attempt every ${suspiciousIpThrottling.refillEveryMs / 60_000} minutes, ` +
  'or all of them when the local cloud restarts.';

/**
 * The source an address counts for. Every loopback address (127.0.0.0/8, `::1`, and
 * 127.x written as IPv4-mapped IPv6) is one source: it is one machine, and any
 * process on it can connect from any 127.x address, so counting them apart would let
 * a guesser reset the throttle by changing address.
 */
export function sourceOf(ip: string): string {
  const v4 = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  if (ip === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return 'loopback';
  return ip;
}

interface Bucket {
  /** Attempts left when last counted; fractions are part of the next one back. */
  left: number;
  at: number;
}

/**
 * Failed logins per source, across accounts, as a bucket that refills at Auth0's
 * rate. A source is kept only while its bucket is not full again, so the map holds
 * recent guessers only.
 */
export class IpThrottle {
  readonly #now: () => number;
  readonly #buckets: ExpiringMap<string, Bucket>;

  constructor(options: { now: () => number; sweepEveryMs: number }) {
    this.#now = options.now;
    this.#buckets = new ExpiringMap({ now: this.#now });
    this.#buckets.sweepEvery(options.sweepEveryMs);
  }

  /** Whether logins from this address are refused now (no attempt left). */
  isThrottled(ip: string): boolean {
    return this.#left(sourceOf(ip)) < 1;
  }

  /** Counts a failed login; true when it is the one that uses the last attempt. */
  recordFailure(ip: string): boolean {
    const source = sourceOf(ip);
    const now = this.#now();
    const left = Math.max(0, this.#left(source) - 1);
    const full =
      now + (suspiciousIpThrottling.maxAttempts - left) * suspiciousIpThrottling.refillEveryMs;
    this.#buckets.set(source, { left, at: now }, full);
    return left < 1;
  }

  close(): void {
    this.#buckets.stop();
  }

  #left(source: string): number {
    const bucket = this.#buckets.get(source);
    if (!bucket) return suspiciousIpThrottling.maxAttempts;
    const back = (this.#now() - bucket.at) / suspiciousIpThrottling.refillEveryMs;
    return Math.min(suspiciousIpThrottling.maxAttempts, bucket.left + back);
  }
}
