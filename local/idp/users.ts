import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readJson, writeSecret } from './keys';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * scrypt cost: N=2^15, r=8, p=1 (32 MiB, about 0.1 s a check on a laptop). Below
 * OWASP's production minimum on purpose: this IdP only runs on loopback and the e2e
 * tests sign in many times. The parameters are stored in each hash, so raising them
 * later still verifies old hashes.
 */
const cost = { N: 2 ** 15, r: 8, p: 1 };
// 128·N·r is exactly 32 MiB, which Node's default maxmem refuses.
const maxmem = 64 * 1024 * 1024;
const keyLength = 32;

/** A user of the database connection, as stored: never the password itself. */
export interface DatabaseUser {
  /** The user's id, which their `sub` carries (api/roles.ts `databaseSub`). */
  id: string;
  email: string;
  /** `scrypt$N$r$p$salt$hash`, salt and hash base64url. */
  passwordHash: string;
  /** The ID token's `email_verified`; absent (users made before it existed) means true. */
  emailVerified?: boolean;
}

/** The database connection's users made on first start (the README's local users). */
export const seededUsers = {
  admin: { email: 'admin@example.com', password: 'Pets-admin-1', emailVerified: true },
  /**
   * An address never verified (`email_verified: false` in the ID token), so the
   * refusal of such tokens can be exercised end to end.
   */
  unverified: {
    email: 'unverified@example.com',
    password: 'Pets-unverified-1',
    emailVerified: false,
  },
} as const;

export const seededAdmin = seededUsers.admin;

/** Any well-formed address, loosely (like the HTML `type=email` check). */
export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The longest address there is (RFC 5321's 256-octet path less its brackets). */
export const maxEmailLength = 254;

/** Why a typed email cannot be used, or undefined when it can. */
export function emailProblem(email: string): string | undefined {
  if (email.length > maxEmailLength) {
    return `An email address has at most ${maxEmailLength} characters.`;
  }
  if (!emailPattern.test(email)) return 'Enter a valid email address.';
  return undefined;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, keyLength, { ...cost, maxmem });
  return [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/**
 * The simulated Login with Amazon: the same address always gets the same `sub`,
 * across restarts and data resets, because it is derived from the address alone.
 */
export function socialSub(email: string): string {
  const digest = createHash('sha256').update(normaliseEmail(email)).digest('hex');
  return `amazon|amzn1.account.${digest.slice(0, 28).toUpperCase()}`;
}

const userFile = /^[0-9a-f]{24}\.json$/;

/**
 * The database connection's users, one file each in `dataDir/users/<id>.json`, seeded
 * with `seededUsers`. One file per user rather than one file of all of them: adding a
 * user writes that user only, and each write is atomic (keys.ts `writeSecret`). An
 * append-only log would write as little, but needs replaying and compacting.
 */
export class UserStore {
  // A hash to compare against for unknown emails, so that a wrong email costs as
  // much time as a wrong password (no account enumeration by timing).
  readonly #decoy: Promise<string> = hashPassword(randomBytes(16).toString('hex'));
  readonly #byEmail = new Map<string, DatabaseUser>();
  readonly #byId = new Map<string, DatabaseUser>();

  private constructor(users: DatabaseUser[]) {
    for (const user of users) this.#add(user);
  }

  static async open(dataDir: string): Promise<UserStore> {
    const dir = join(dataDir, 'users');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await migrateUsersFile(dataDir, dir);
    const users: DatabaseUser[] = [];
    for (const name of await readdir(dir)) {
      if (!userFile.test(name)) continue;
      const user = await readJson<DatabaseUser>(join(dir, name));
      if (isDatabaseUser(user)) users.push(user);
    }
    const store = new UserStore(users);
    for (const seed of Object.values(seededUsers)) {
      if (store.findByEmail(seed.email)) continue;
      const user: DatabaseUser = {
        id: randomBytes(12).toString('hex'),
        email: seed.email,
        passwordHash: await hashPassword(seed.password),
        emailVerified: seed.emailVerified,
      };
      await writeSecret(join(dir, `${user.id}.json`), user);
      store.#add(user);
    }
    return store;
  }

  /** The user whose email and password match, or undefined; same cost either way. */
  async authenticate(email: string, password: string): Promise<DatabaseUser | undefined> {
    const user = this.findByEmail(email);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.#decoy));
    return ok ? user : undefined;
  }

  findById(id: string): DatabaseUser | undefined {
    return this.#byId.get(id);
  }

  findByEmail(email: string): DatabaseUser | undefined {
    return this.#byEmail.get(normaliseEmail(email));
  }

  #add(user: DatabaseUser): void {
    this.#byEmail.set(normaliseEmail(user.email), user);
    this.#byId.set(user.id, user);
  }
}

function isDatabaseUser(value: unknown): value is DatabaseUser {
  const user = value as Partial<DatabaseUser> | undefined;
  return (
    typeof user?.id === 'string' &&
    /^[0-9a-f]{24}$/.test(user.id) &&
    typeof user.email === 'string' &&
    typeof user.passwordHash === 'string'
  );
}

/** A data folder from before one file per user: `users.json` is split up, then removed. */
async function migrateUsersFile(dataDir: string, dir: string): Promise<void> {
  const file = join(dataDir, 'users.json');
  const legacy = await readJson<unknown>(file);
  if (legacy === undefined) return;
  for (const user of Array.isArray(legacy) ? legacy : []) {
    if (isDatabaseUser(user)) await writeSecret(join(dir, `${user.id}.json`), user);
  }
  await rm(file, { force: true });
}

const socialSubPattern = /^amazon\|amzn1\.account\.([0-9A-F]{28})$/;

/**
 * Who each simulated Amazon `sub` is (the sub is a hash, the ID token needs the
 * email): one file per identity, `dataDir/social/<hash>.json`, written at its first
 * sign-in, so access tokens' /userinfo keeps working across restarts. Read from disk
 * when asked rather than held in memory: sign-ups need no password, so how many there
 * are is up to whoever types emails.
 */
export class SocialDirectory {
  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<SocialDirectory> {
    const dir = join(dataDir, 'social');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await migrateSocialFile(dataDir, dir);
    return new SocialDirectory(dir);
  }

  /** Signs in (or up) an Amazon customer by email; returns the stable `sub`. */
  async remember(email: string): Promise<string> {
    const normalised = normaliseEmail(email);
    const problem = emailProblem(normalised);
    if (problem) throw new EmailError(problem);
    const sub = socialSub(normalised);
    if ((await this.emailOf(sub)) !== normalised) {
      await writeSecret(socialFile(this.dir, sub), { sub, email: normalised });
    }
    return sub;
  }

  async emailOf(sub: string): Promise<string | undefined> {
    if (!socialSubPattern.test(sub)) return undefined;
    const stored = await readJson<{ sub?: unknown; email?: unknown }>(socialFile(this.dir, sub));
    return stored?.sub === sub && typeof stored.email === 'string' ? stored.email : undefined;
  }
}

/** An email that cannot be stored (too long or malformed); nothing was written. */
export class EmailError extends Error {
  override readonly name = 'EmailError';
}

function socialFile(dir: string, sub: string): string {
  const hash = socialSubPattern.exec(sub)?.[1] ?? '';
  return join(dir, `${hash.toLowerCase()}.json`);
}

/**
 * A data folder from before one file per identity: `social-users.json` is split up,
 * then removed. Entries no sign-in could make today (an address over the length cap,
 * a `sub` that is not its address's) are dropped.
 */
async function migrateSocialFile(dataDir: string, dir: string): Promise<void> {
  const file = join(dataDir, 'social-users.json');
  const legacy = await readJson<Record<string, unknown>>(file);
  if (legacy === undefined) return;
  for (const [sub, email] of Object.entries(legacy ?? {})) {
    if (typeof email !== 'string' || emailProblem(email) || socialSub(email) !== sub) continue;
    await writeSecret(socialFile(dir, sub), { sub, email: normaliseEmail(email) });
  }
  await rm(file, { force: true });
}
