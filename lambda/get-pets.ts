import type { LambdaHandler } from '../api/handlers';
import { storeConfig } from './config';
import { etagHeader, json, route } from './http';
import { snapshotFor } from './catalogue';
import { catalogueTag, PetTable } from './pet-table';

/** GET /pets: every pet, read fresh, with the catalogue token as ETag. */
export const handler: LambdaHandler = route('getPets', async () => {
  const { tableName } = storeConfig();
  const startedAt = Date.now();
  const pets = await new PetTable(tableName).list();
  // Same container (the local gateway runs all routes in one process): free refresh.
  snapshotFor(tableName)?.install(pets, startedAt);
  return json(200, pets, etagHeader(catalogueTag(pets)));
});
