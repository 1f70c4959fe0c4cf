import type { LambdaHandler } from '../../api/handlers';
import { storeConfig } from '../config';
import { parsePathId, parsePreconditions } from '../http/request-parsing';
import { noContent } from '../http/responses';
import { route } from '../http/route';
import { removeImagesOf } from '../photos/remove-images';
import { PetWrites } from '../store/pet-writes';

/**
 * DELETE /pets/{id} (admin): 204 when the pet and its photo are gone, 404 when there was none, 409
 * when it is sold (a sale is never undone) or, with `If-Match`, when its listing is
 * no longer the one the admin saw.
 */
export const handler: LambdaHandler = route('deletePet', async (event) => {
  const id = parsePathId(event);
  const preconditions = parsePreconditions(event, { noneMatch: false });
  const photo = await new PetWrites(storeConfig().tableName).remove(id, preconditions);
  // Once the pet is gone: a photo set later finds no pet and deletes its own images.
  if (photo) await removeImagesOf([photo]);
  return noContent();
});
