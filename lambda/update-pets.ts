import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { storeConfig } from './config';
import { forgetSnapshot } from './catalogue';
import { etagHeader, json, route } from './http';
import { parseJsonBody, parseUpdateRequest } from './pets';
import { catalogueTag, PetStore } from './store';

/**
 * POST /pets (admin): `{ pets, etag? }` becomes the catalogue. Sale state in the body
 * is ignored; see PetStore.replace for the concurrency rules. Answers the new list.
 */
export const handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> = route(
  'updatePets',
  async (event) => {
    const request = parseUpdateRequest(parseJsonBody(event.body, event.isBase64Encoded));
    const { tableName } = storeConfig();
    try {
      const pets = await new PetStore(tableName).replace(request.pets, request.etag);
      return json(200, pets, etagHeader(catalogueTag(pets)));
    } finally {
      forgetSnapshot(tableName);
    }
  },
);
