import { Injectable, inject } from '@angular/core';
import { SESSION_STORAGE } from '../auth/storage';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ms since the epoch */
  expiration: number;
  /** Whose they are: stored credentials of another user or role are never reused. */
  owner: string;
}

/** The credentials' entry, beside the session's in the same storage. */
export const CREDENTIALS_KEY = 'secure-pets.credentials';

/**
 * The role credentials this tab keeps: the one owner of their storage entry.
 * Credentials reads and writes them here; the end of a session (logout, a failed
 * renewal) clears them here, so no one else needs to know the entry.
 */
@Injectable({ providedIn: 'root' })
export class CredentialsStore {
  private readonly storage = inject(SESSION_STORAGE);

  /** The stored credentials when they are `owner`'s, else null. */
  read(owner: string): AwsCredentials | null {
    try {
      const stored = JSON.parse(
        this.storage.getItem(CREDENTIALS_KEY) ?? 'null',
      ) as AwsCredentials | null;
      return stored && stored.owner === owner ? stored : null;
    } catch {
      return null;
    }
  }

  write(credentials: AwsCredentials): void {
    this.storage.setItem(CREDENTIALS_KEY, JSON.stringify(credentials));
  }

  clear(): void {
    this.storage.removeItem(CREDENTIALS_KEY);
  }
}
