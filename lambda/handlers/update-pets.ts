import type { LambdaHandler } from '../api/handlers';
import { storeConfig } from './config';
import { forgetSnapshot } from './catalogue';
import { etagHeader, json, route } from './http';
import { parseJsonBody, parseUpdateRequest } from './pets';
import { catalogueTag, PetTable } from './pet-table';

/**
 * POST /pets (admin): `{ pets, etag? }` becomes the catalogue. Sale state in the body
 * is ignored; see PetTable.replace for the concurrency rules. Answers the new list.
 */
export const handler: LambdaHandler = route('updatePets', async (event) => {
  const request = parseUpdateRequest(parseJsonBody(event.body, event.isBase64Encoded));
  const { tableName } = storeConfig();
  try {
    const pets = await new PetTable(tableName).replace(request.pets, request.etag);
    return json(200, pets, etagHeader(catalogueTag(pets)));
  } finally {
    forgetSnapshot(tableName);
  }
});
