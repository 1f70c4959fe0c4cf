import type { LambdaHandler } from '../api/handlers';
import { authConfig, storeConfig } from './config';
import { snapshot } from './catalogue';
import { etagHeader, json, route } from './http';
import { recordSale } from './observability';
import { parseJsonBody, parsePetId } from './pets';
import { PetTable } from './pet-table';
import { verifyAuthToken } from './token';

/**
 * POST /pets/purchase (buyer): `{ petId, authToken }`. The ID token is verified before
 * anything else is looked at; the buyer is the token's email, never the body's.
 */
export const handler: LambdaHandler = route('purchasePet', async (event) => {
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  const buyer = await verifyAuthToken(body['authToken'], authConfig());
  const petId = parsePetId(body);
  const sold = await new PetTable(storeConfig().tableName).purchase(petId, buyer.email);
  recordSale(petId, buyer.sub);
  // The whole list while the store fits a page, else the bought pet alone (snapshot.ts).
  const { body: pets, tag } = await snapshot().withSale(sold);
  return json(200, pets, tag === undefined ? {} : etagHeader(tag));
});
