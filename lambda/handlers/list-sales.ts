import type { LambdaHandler } from '../../api/handlers';
import { cursorConfig, storeConfig } from '../config';
import { cursorKey, decodeCursor, encodeCursor, type PageQuery } from '../http/cursor';
import { parseSoldPageQuery } from '../http/request-parsing';
import { json, selfUrl } from '../http/responses';
import { route } from '../http/route';
import { PetReads } from '../store/pet-reads';

/** What the sales view reads, as a cursor records it (PetReads.sales says why this order). */
const salesQuery: PageQuery = { sort: '-id', status: 'sold' };

/**
 * GET /pets/sales (admin role): one page of sold pets, each with `soldTo`, highest id
 * first; `limit` (1–1000, default 1000) and `cursor` as for GET /pets, the cursor
 * bound to this view; `Link: rel="next"` when more follow. Reads at most limit + 1
 * index entries, whatever the number of sales.
 */
export const handler: LambdaHandler = route('listSales', async (event, line) => {
  const request = parseSoldPageQuery(event, 'GET /pets/sales');
  const { tableName } = storeConfig();
  const { secretId } = cursorConfig();
  // A bad cursor (or one of GET /pets) is refused before anything is read.
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, salesQuery, await cursorKey(secretId), 'sales').after;

  const page = await new PetReads(tableName).sales({
    limit: request.limit,
    after: after as number | undefined,
  });
  line['read'] = page.read;
  line['pets'] = page.pets.length;

  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (page.next !== undefined) {
    const cursor = encodeCursor(
      { ...salesQuery, after: page.next },
      await cursorKey(secretId),
      'sales',
    );
    headers['Link'] = `<${selfUrl(event, { ...request.params, cursor })}>; rel="next"`;
  }
  return json(200, page.pets, headers);
});
