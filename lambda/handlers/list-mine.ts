import type { LambdaHandler } from '../../api/handlers';
import { verifyAuthToken } from '../auth/verify-id-token';
import { authConfig, storeConfig } from '../config';
import { decodePosition, encodePosition } from '../http/cursor';
import { parseJsonBody, parseSoldPageQuery } from '../http/request-parsing';
import { json, selfUrl } from '../http/responses';
import { route } from '../http/route';
import { PetReads } from '../store/pet-reads';

/**
 * POST /pets/mine (buyer role): body `{ authToken }`. The pets sold to the verified ID
 * token's email, each with `soldTo` (the caller's own), highest id first. The
 * identity is the token's alone: any other body field (an `email`, a `soldTo`) is
 * ignored, as the purchase ignores them.
 *
 * Bounded like the other listings: at most `limit` (query string, 1–1000, default
 * 1000) pets per answer, reading at most limit + 1 entries of the caller's byBuyer
 * partition. Past that, `Link: <URL>; rel="next"` names the next page: POST the same
 * body to it (a cursor is a position in the caller's own list, see http/cursor.ts).
 */
export const handler: LambdaHandler = route('listMine', async (event, line) => {
  const body = parseJsonBody(event.body, event.isBase64Encoded);
  const buyer = await verifyAuthToken(body['authToken'], authConfig());
  const request = parseSoldPageQuery(event, 'POST /pets/mine');
  const after = request.cursor === undefined ? undefined : decodePosition(request.cursor);

  const page = await new PetReads(storeConfig().tableName).purchasesOf(buyer.email, {
    limit: request.limit,
    after,
  });
  line['read'] = page.read;
  line['pets'] = page.pets.length;

  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (page.next !== undefined) {
    const cursor = encodePosition(page.next as number);
    headers['Link'] = `<${selfUrl(event, { ...request.params, cursor })}>; rel="next"`;
  }
  return json(200, page.pets, headers);
});
