/**
 * How `GET /pets` is asked for a page (docs/design.md): the app builds these queries
 * and the Lambda validates them, from the same lists.
 */

/** `id` (the default), newest first, cheapest first, dearest first. */
export const petSorts = ['id', '-id', 'price', '-price'] as const;
export type PetSort = (typeof petSorts)[number];

export const petStatuses = ['available', 'sold'] as const;
export type PetStatus = (typeof petStatuses)[number];

/** A page holds 1 to 1000 pets, 1000 unless `limit` says fewer. */
export const pageLimit = { min: 1, max: 1000, default: 1000 } as const;

export interface PetQuery {
  limit?: number;
  /** Opaque: the `cursor` of the previous answer's `Link: rel="next"`. */
  cursor?: string;
  status?: PetStatus;
  /** An exact type. */
  type?: string;
  sort?: PetSort;
}

/** The query string parameters of a query (only those it sets). */
export function petQueryParams(query: PetQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (query.limit !== undefined) params['limit'] = String(query.limit);
  if (query.cursor !== undefined) params['cursor'] = query.cursor;
  if (query.status !== undefined) params['status'] = query.status;
  if (query.type !== undefined) params['type'] = query.type;
  if (query.sort !== undefined) params['sort'] = query.sort;
  return params;
}

/** A `Link` header's `rel="next"` URL as written, or undefined when there is no next page. */
export function nextLink(link: string | null | undefined): string | undefined {
  return /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link ?? '')?.[1];
}

/** The `cursor` of a `Link` header's `rel="next"` URL, or undefined when there is no next page. */
export function nextCursor(link: string | null | undefined): string | undefined {
  const next = nextLink(link);
  if (next === undefined) return undefined;
  try {
    return new URL(next).searchParams.get('cursor') ?? undefined;
  } catch {
    return undefined;
  }
}
