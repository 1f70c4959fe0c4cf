import type { LambdaHandler } from '../../api/handlers';
import { storeConfig } from '../config';
import { NotFoundError } from '../http/errors';
import { parsePathId } from '../http/request-parsing';
import { json } from '../http/responses';
import { route } from '../http/route';
import { photoStateOf } from '../photos/photo-state';
import { PetWrites } from '../store/pet-writes';

/**
 * GET /pets/{id}/photo (admin): the pet's photo and the reason processPhoto refused
 * its latest upload, if it did (lambda/photos/photo-state.ts), which no public view
 * carries; 404 when there is no such pet. One consistent GetItem, so the admin's
 * page sees processPhoto's write as soon as it is made.
 */
export const handler: LambdaHandler = route('photoState', async (event) => {
  const id = parsePathId(event);
  const item = await new PetWrites(storeConfig().tableName).get(id);
  if (!item) throw new NotFoundError(`There is no pet ${id}.`);
  return json(200, photoStateOf(item));
});
