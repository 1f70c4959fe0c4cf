import type { LambdaHandler } from '../../api/handlers';
import { storeConfig } from '../config';
import { parseJsonBody, parseUpdateRequest } from '../http/request-parsing';
import { etagHeader, json } from '../http/responses';
import { route } from '../http/route';
import { removeImagesOf } from '../photos/remove-images';
import { CatalogueReplace } from '../store/catalogue-replace';
import { catalogueTag } from '../store/catalogue-tag';

/**
 * POST /pets (admin): `{ pets, etag? }` becomes the catalogue. Sale state in the body
 * is ignored; see CatalogueReplace.replace for the concurrency rules. Answers the new list.
 */
export const handler: LambdaHandler = route('updatePets', async (event) => {
  const request = parseUpdateRequest(parseJsonBody(event.body, event.isBase64Encoded));
  const replace = new CatalogueReplace(storeConfig().tableName);
  const pets = await replace.replace(request.pets, request.etag);
  // The removed pets' photos, once the whole list is written (an undone write keeps its pet's).
  await removeImagesOf(replace.removedPhotos);
  return json(200, pets, etagHeader(catalogueTag(pets)));
});
