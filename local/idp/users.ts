import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
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
}

export const seededAdmin = { email: 'admin@example.com', password: 'Pets-admin-1' } as const;

/** Any well-formed address, loosely (like the HTML `type=email` check). */
export const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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

/** The database connection's users, in `dataDir/users.json`, seeded with the admin. */
export class UserStore {
  // A hash to compare against for unknown emails, so that a wrong email costs as
  // much time as a wrong password (no account enumeration by timing).
  readonly #decoy: Promise<string> = hashPassword(randomBytes(16).toString('hex'));

  private constructor(private readonly users: DatabaseUser[]) {}

  static async open(dataDir: string): Promise<UserStore> {
    const file = join(dataDir, 'users.json');
    let users = await readJson<DatabaseUser[]>(file);
    if (!users) {
      users = [
        {
          id: randomBytes(12).toString('hex'),
          email: seededAdmin.email,
          passwordHash: await hashPassword(seededAdmin.password),
        },
      ];
      await writeSecret(file, users);
    }
    return new UserStore(users);
  }

  /** The user whose email and password match, or undefined; same cost either way. */
  async authenticate(email: string, password: string): Promise<DatabaseUser | undefined> {
    const user = this.users.find((u) => u.email === normaliseEmail(email));
    const ok = await verifyPassword(password, user?.passwordHash ?? (await this.#decoy));
    return ok ? user : undefined;
  }

  findById(id: string): DatabaseUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  findByEmail(email: string): DatabaseUser | undefined {
    return this.users.find((u) => u.email === normaliseEmail(email));
  }
}

/**
 * Who each simulated Amazon `sub` is (the sub is a hash, the ID token needs the
 * email), in `dataDir/social-users.json` so access tokens' /userinfo keeps working
 * across restarts.
 */
export class SocialDirectory {
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly emails: Map<string, string>,
  ) {}

  static async open(dataDir: string): Promise<SocialDirectory> {
    const file = join(dataDir, 'social-users.json');
    const stored = (await readJson<Record<string, string>>(file)) ?? {};
    return new SocialDirectory(file, new Map(Object.entries(stored)));
  }

  /** Signs in (or up) an Amazon customer by email; returns the stable `sub`. */
  async remember(email: string): Promise<string> {
    const normalised = normaliseEmail(email);
    const sub = socialSub(normalised);
    if (this.emails.get(sub) !== normalised) {
      this.emails.set(sub, normalised);
      const snapshot = Object.fromEntries(this.emails);
      this.#writing = this.#writing.then(() => writeSecret(this.file, snapshot));
      await this.#writing;
    }
    return sub;
  }

  emailOf(sub: string): string | undefined {
    return this.emails.get(sub);
  }
}
