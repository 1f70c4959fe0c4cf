import type { LambdaHandler } from '../../api/handlers';
import { cursorConfig, storeConfig } from '../config';
import { cursorKey, decodeCursor, encodeCursor } from '../http/cursor';
import { parsePetQuery } from '../http/request-parsing';
import { etagHeader, json, selfUrl } from '../http/responses';
import { route } from '../http/route';
import { catalogueTag } from '../store/catalogue-tag';
import { PetReads } from '../store/pet-reads';

/**
 * GET /pets: one page of pets, `limit` (1000 unless fewer are asked) in the order of
 * `sort`, filtered by `status` and `type`, after `cursor`; `Link: rel="next"` when
 * more follow. The catalogue token (ETag) only when the answer is the whole
 * catalogue, since that is all a tutorial-era client can send back in POST /pets.
 * Every answer is read from the table: this function keeps no copy of the catalogue.
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
  if (unfiltered && request.cursor === undefined && page.next === undefined) {
    Object.assign(headers, etagHeader(catalogueTag(page.pets)));
  }
  return json(200, page.pets, headers);
});
