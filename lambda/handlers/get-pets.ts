import type { LambdaHandler } from '../../api/handlers';
import { pageLimit } from '../../api/pet-query';
import { cursorConfig, storeConfig } from '../config';
import { cursorKey, decodeCursor, encodeCursor } from '../http/cursor';
import { parsePetQuery } from '../http/request-parsing';
import { etagHeader, json, selfUrl } from '../http/responses';
import { route } from '../http/route';
import { catalogueTag } from '../store/catalogue-tag';
import { PetReads } from '../store/pet-reads';
import { snapshotFor } from '../store/purchase-snapshot';

/**
 * GET /pets: one page of pets, `limit` (1000 unless fewer are asked) in the order of
 * `sort`, filtered by `status` and `type`, after `cursor`; `Link: rel="next"` when
 * more follow. The catalogue token (ETag) only when the answer is the whole
 * catalogue, since that is all a tutorial-era client can send back in POST /pets.
 */
export const handler: LambdaHandler = route('getPets', async (event, line) => {
  const request = parsePetQuery(event);
  const { tableName } = storeConfig();
  const { secretId } = cursorConfig();
  // A bad cursor is refused before anything is read.
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, request.query, await cursorKey(secretId)).after;

  const startedAt = Date.now();
  const page = await new PetReads(tableName).page({
    ...request.query,
    limit: request.limit,
    after,
  });
  line['read'] = page.read;
  line['pets'] = page.pets.length;

  const headers: Record<string, string> = {};
  if (page.next !== undefined) {
    const cursor = encodeCursor({ ...request.query, after: page.next }, await cursorKey(secretId));
    headers['Link'] = `<${selfUrl(event, { ...request.params, cursor })}>; rel="next"`;
  }
  const unfiltered = request.query.status === undefined && request.query.type === undefined;
  if (unfiltered && request.cursor === undefined) {
    const snapshot = snapshotFor(tableName);
    if (page.next === undefined) {
      const byId = [...page.pets].sort((a, b) => a.id - b.id);
      Object.assign(headers, etagHeader(catalogueTag(byId)));
      // Same container (the local gateway runs all routes in one process): free refresh.
      snapshot?.install(byId, startedAt);
    } else if (request.limit === pageLimit.max) {
      snapshot?.install(null, startedAt); // more than a page: purchases answer one pet
    }
  }
  return json(200, page.pets, headers);
});
