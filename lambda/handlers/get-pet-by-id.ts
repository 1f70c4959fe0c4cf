import type { LambdaHandler } from '../../api/handlers';
import { storeConfig } from '../config';
import { NotFoundError } from '../http/errors';
import { parsePathId } from '../http/request-parsing';
import { json } from '../http/responses';
import { route } from '../http/route';
import { publicPet } from '../store/pet-lookup';

/**
 * GET /pets/{id}: one pet in its public form (a sold pet is `isSold: true`, its buyer
 * is not there); 404 when there is none, 400 for an id that is not a pet id. One
 * GetItem, whatever the store's size.
 */
export const handler: LambdaHandler = route('getPetById', async (event, line) => {
  const id = parsePathId(event);
  const pet = await publicPet(storeConfig().tableName, id);
  line['read'] = 1;
  if (!pet) throw new NotFoundError('No such pet.');
  return json(200, pet);
});
