// What the Lambdas behind the routes answer (the real ones are in lambda/), over an
// in-memory store. The rules the contract states are read from api/, not restated:
// the sort orders and page limits (pet-query.ts), the public view of a pet, pet ids
// and the listing tag of If-Match (pet.ts).
import type { ApigResponse } from 'aws-api-gateway-client';
import type { HandlerName } from '../../api/handlers';
import { type Pet, isPetId, listingTag, petIdOfText, toPublicPet } from '../../api/pet';
import { type PetSort, pageLimit, petSorts } from '../../api/pet-query';
import { isPhotoContentType } from '../../api/photos';

/** The pets behind the fake API, which a test reads and changes. */
export interface FakeStore {
  pets: Pet[];
  /** Pets per answer of `POST /pets/mine` (the real one: 1000). */
  mineLimit: number;
  /** Why processPhoto refused each pet's latest upload, by pet id (an admin sees it). */
  photoErrors?: Map<number, { key: string; reason: string; at: string }>;
}

/** A call as the Lambda behind its route gets it. */
export interface FakeRequest {
  handler: HandlerName;
  /** The `{id}` path parameter, when the route has one. */
  id?: string;
  /** The resource's URL, which a `Link` to the next page repeats. */
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** A refused call, rejected the way aws-api-gateway-client (axios) rejects it. */
export function refuse(status: number, message: string, headers = {}): never {
  throw { response: { status, data: { message }, headers } };
}

/** `count` pets with ids from `firstId`, types cycling through a few, prices by id. */
export function manyPets(count: number, firstId = 1): Pet[] {
  const types = ['dog', 'cat', 'fish', 'parrot', 'hamster'];
  return Array.from({ length: count }, (_, i) => {
    const id = firstId + i;
    return { id, type: types[id % types.length]!, price: (id * 37) % 1000 };
  });
}

const sorters: Record<PetSort, (a: Pet, b: Pet) => number> = {
  id: (a, b) => a.id - b.id,
  '-id': (a, b) => b.id - a.id,
  price: (a, b) => a.price - b.price || a.id - b.id,
  '-price': (a, b) => b.price - a.price || b.id - a.id,
};

/** An answer's body as the client gets it: through JSON, as over HTTP (NaN is null). */
const overHttp = <T>(data: T): T => JSON.parse(JSON.stringify(data)) as T;

const ok = (data: unknown, headers: Record<string, string> = {}, status = 200): ApigResponse => ({
  status,
  data: overHttp(data),
  headers,
});

/** The answer of the Lambda a route names; `POST /pets` (the catalogue) is not faked. */
export function answer(store: FakeStore, request: FakeRequest): ApigResponse {
  const id = Number(request.id);
  switch (request.handler) {
    case 'getPets':
      return page(store, request);
    case 'getPetById':
      return onePet(store, request.id);
    case 'listSales':
      return paged(request, store.pets.filter((p) => p.isSold).sort(sorters['-id']));
    case 'listMine':
      return mine(store, request);
    case 'purchasePet':
      return purchase(store, request.body);
    case 'putPet':
      if (isPetId(id)) return put(store, id, request.body as Pet, request.headers);
      break;
    case 'deletePet':
      if (isPetId(id)) return remove(store, id, request.headers);
      break;
    case 'photoUpload':
    case 'photoState':
      if (isPetId(id)) return photo(store, request.handler, id, request.body);
      break;
  }
  return refuse(404, 'Not found');
}

/** The email of the (unsigned, faked) ID token in a body, as the Lambdas verify it. */
function emailOf(body: unknown): string {
  const token = (body as { authToken?: unknown } | null)?.authToken;
  try {
    const payload = (token as string).split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const email = (JSON.parse(atob(payload)) as { email?: unknown }).email;
    if (typeof email === 'string' && email !== '') return email;
  } catch {
    // refused below
  }
  return refuse(401, 'Missing or invalid authToken.');
}

/** `GET /pets`: the public view, filtered and sorted. Like the real one, never `soldTo`. */
function page(store: FakeStore, request: FakeRequest): ApigResponse {
  const { query } = request;
  const sort = (query['sort'] ?? 'id') as PetSort;
  if (!petSorts.includes(sort)) refuse(400, 'Bad query.');
  const matching = store.pets
    .filter((p) => query['type'] === undefined || p.type === query['type'])
    .filter((p) => query['status'] !== 'available' || !p.isSold)
    .filter((p) => query['status'] !== 'sold' || p.isSold)
    .sort(sorters[sort]);
  return paged(request, matching.map(toPublicPet));
}

/** `GET /pets/{id}`: one pet's public view; 404 for none, 400 for an id the API refuses. */
function onePet(store: FakeStore, rawId: string | undefined): ApigResponse {
  const id = petIdOfText(rawId);
  if (id === undefined) refuse(400, 'The pet id in the path must be a positive integer.');
  const pet = store.pets.find((p) => p.id === id);
  if (!pet) refuse(404, 'No such pet.');
  return ok(toPublicPet(pet));
}

/** `POST /pets/mine`: the pets sold to the ID token's email, newest first. */
function mine(store: FakeStore, request: FakeRequest): ApigResponse {
  const email = emailOf(request.body);
  const mine = store.pets.filter((p) => p.isSold && p.soldTo === email).sort(sorters['-id']);
  return paged({ ...request, query: { limit: String(store.mineLimit), ...request.query } }, mine);
}

/** One page of a list, with opaque cursors and a `Link` to the next page. */
function paged({ url, query }: FakeRequest, list: readonly object[]): ApigResponse {
  const limit = Number(query['limit'] ?? pageLimit.default);
  const offset = query['cursor'] ? Number(atob(query['cursor'])) : 0;
  if (!(limit >= pageLimit.min && limit <= pageLimit.max) || Number.isNaN(offset)) {
    refuse(400, 'Bad query.');
  }
  const headers: Record<string, string> = {};
  if (offset + limit < list.length) {
    const next = new URL(url);
    for (const [k, v] of Object.entries({ ...query, cursor: btoa(String(offset + limit)) })) {
      next.searchParams.set(k, v);
    }
    headers['link'] = `<${next.href}>; rel="next"`;
  }
  return ok(list.slice(offset, offset + limit), headers);
}

/** `POST /pets/purchase`: marks the pet sold; answers a page with it, its buyer on it alone. */
function purchase(store: FakeStore, body: unknown): ApigResponse {
  const { petId } = body as { petId: number };
  const buyer = emailOf(body);
  const pet = store.pets.find((p) => p.id === petId);
  if (!pet) refuse(404, 'That pet is not available.');
  if (pet.isSold) refuse(409, 'That pet is not available.');
  pet.isSold = true;
  pet.soldTo = buyer;
  const others = store.pets
    .filter((p) => p.id !== petId)
    .slice(0, pageLimit.max - 1)
    .map(toPublicPet);
  return ok([pet, ...others]);
}

/** `PUT /pets/{id}`: `If-None-Match: *` creates only; a sold pet cannot change. */
function put(store: FakeStore, id: number, body: Pet, headers: Record<string, string>) {
  const index = store.pets.findIndex((p) => p.id === id);
  if (index >= 0 && headers['If-None-Match'] === '*') refuse(409, 'That pet exists.');
  if (index >= 0 && store.pets[index]!.isSold) refuse(409, 'That pet is sold.');
  const pet: Pet = { id, type: body.type, price: body.price };
  if (index >= 0) store.pets[index] = pet;
  else store.pets.push(pet);
  return ok(pet, { etag: `"${listingTag(pet)}"` }, index >= 0 ? 200 : 201);
}

/** `DELETE /pets/{id}`: only an unsold pet, and only the listing `If-Match` names. */
function remove(store: FakeStore, id: number, headers: Record<string, string>): ApigResponse {
  const pet = store.pets.find((p) => p.id === id);
  if (!pet) refuse(404, 'No such pet.');
  if (pet.isSold) refuse(409, 'That pet is sold.');
  const ifMatch = headers['If-Match'];
  if (ifMatch !== undefined && ifMatch !== `"${listingTag(pet)}"`) {
    refuse(409, 'That pet has changed.');
  }
  store.pets = store.pets.filter((p) => p.id !== id);
  return { status: 204, data: '', headers: {} };
}

/**
 * `POST /pets/{id}/photo`: an upload form (its url is a fake S3's); `GET /pets/{id}/photo`:
 * the photo and the latest refusal. 404 for no such pet, 400 for a type that is not a photo's.
 */
function photo(store: FakeStore, handler: HandlerName, id: number, body: unknown): ApigResponse {
  const pet = store.pets.find((p) => p.id === id);
  if (!pet) refuse(404, `There is no pet ${id}.`);
  if (handler === 'photoState') {
    const error = store.photoErrors?.get(id);
    return ok({ ...(pet.photo && { photo: pet.photo }), ...(error && { error }) });
  }
  const contentType = (body as { contentType?: unknown } | null)?.contentType;
  if (!isPhotoContentType(contentType)) refuse(400, 'contentType must be a photo type.');
  const key = `uploads/${id}/token${Math.random().toString(36).slice(2, 18).padEnd(16, '0')}`;
  return ok({ url: 'https://photos.s3.test/', fields: { key, 'Content-Type': contentType } });
}
