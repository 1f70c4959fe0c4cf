import type { LambdaHandler } from '../../api/handlers';
import { verifyAuthToken } from '../auth/verify-id-token';
import { authConfig, storeConfig } from '../config';
import { parseJsonBody, parsePetId } from '../http/request-parsing';
import { etagHeader, json } from '../http/responses';
import { route } from '../http/route';
import { recordSale } from '../observability';
import { PetWrites } from '../store/pet-writes';
import { purchaseSnapshot } from '../store/purchase-snapshot';

/**
 * POST /pets/purchase (buyer): `{ petId, authToken }`. The ID token is verified before
 * anything else is looked at; the buyer is the token's email, never the body's.
 */
export const handler: LambdaHandler = route('purchasePet', async (event) => {
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  const buyer = await verifyAuthToken(body['authToken'], authConfig());
  const petId = parsePetId(body);
  const sold = await new PetWrites(storeConfig().tableName).purchase(petId, buyer.email);
  recordSale(petId, buyer.sub);
  // The whole list while the store fits a page, else the bought pet alone.
  const { body: pets, tag } = await purchaseSnapshot().withSale(sold);
  return json(200, pets, tag === undefined ? {} : etagHeader(tag));
});
