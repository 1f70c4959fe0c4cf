import type { LambdaHandler } from '../../api/handlers';
import { listingTag } from '../../api/pet';
import { storeConfig } from '../config';
import {
  parseJsonBody,
  parseListingBody,
  parsePathId,
  parsePreconditions,
} from '../http/request-parsing';
import { etagHeader, json } from '../http/responses';
import { route } from '../http/route';
import { PetWrites } from '../store/pet-writes';

/**
 * PUT /pets/{id} (admin): `{ type, price }` becomes the pet's listing: 201 when it is
 * new, 200 when it was there, 409 when it is sold. `If-None-Match: *` creates only,
 * `If-Match: "<tag>"` changes only the listing the admin saw. Answers the pet with
 * its listing tag as ETag, for the next If-Match.
 */
export const handler: LambdaHandler = route('putPet', async (event) => {
  const id = parsePathId(event);
  const listing = parseListingBody(parseJsonBody(event.body, event.isBase64Encoded));
  const preconditions = parsePreconditions(event, { noneMatch: true });
  const { pet, created } = await new PetWrites(storeConfig().tableName).put(
    id,
    listing,
    preconditions,
  );
  return json(created ? 201 : 200, pet, etagHeader(listingTag(pet)));
});
