import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { storeConfig } from './config';
import { etagHeader, json, route } from './http';
import { snapshotFor } from './catalogue';
import { catalogueTag, PetStore } from './store';

/** GET /pets: every pet, read fresh, with the catalogue token as ETag. */
export const handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> = route(
  'getPets',
  async () => {
    const { tableName } = storeConfig();
    const startedAt = Date.now();
    const pets = await new PetStore(tableName).list();
    // Same container (the local gateway runs all routes in one process): free refresh.
    snapshotFor(tableName)?.install(pets, startedAt);
    return json(200, pets, etagHeader(catalogueTag(pets)));
  },
);
