import { createHash } from 'node:crypto';
import type { PetListing } from '../../api/pet';

/**
 * The catalogue's concurrency token: the ETag of a whole-catalogue GET /pets, of
 * POST /pets and of a purchase answer that holds the whole list, and what POST /pets
 * takes back. A digest of what admins control (ids, types, prices), so purchases
 * leave it unchanged and only an edit makes it stale.
 */
export function catalogueTag(pets: readonly PetListing[]): string {
  const hash = createHash('sha256');
  for (const p of [...pets].sort((a, b) => a.id - b.id)) {
    hash.update(`${p.id}\t${p.type}\t${p.price}\n`);
  }
  return hash.digest('base64url').slice(0, 22);
}
