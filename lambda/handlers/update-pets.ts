import type { LambdaHandler } from '../../api/handlers';
import { storeConfig } from '../config';
import { parseJsonBody, parseUpdateRequest } from '../http/request-parsing';
import { etagHeader, json } from '../http/responses';
import { route } from '../http/route';
import { CatalogueReplace } from '../store/catalogue-replace';
import { catalogueTag } from '../store/catalogue-tag';
import { forgetSnapshot } from '../store/purchase-snapshot';

/**
 * POST /pets (admin): `{ pets, etag? }` becomes the catalogue. Sale state in the body
 * is ignored; see CatalogueReplace.replace for the concurrency rules. Answers the new list.
 */
export const handler: LambdaHandler = route('updatePets', async (event) => {
  const request = parseUpdateRequest(parseJsonBody(event.body, event.isBase64Encoded));
  const { tableName } = storeConfig();
  try {
    const pets = await new CatalogueReplace(tableName).replace(request.pets, request.etag);
    return json(200, pets, etagHeader(catalogueTag(pets)));
  } finally {
    forgetSnapshot(tableName);
  }
});
