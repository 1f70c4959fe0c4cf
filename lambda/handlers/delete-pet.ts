import type { LambdaHandler } from '../api/handlers';
import { forgetSnapshot } from './catalogue';
import { storeConfig } from './config';
import { noContent, route } from './http';
import { PetTable } from './pet-table';
import { parsePathId, parsePreconditions } from './pets';

/**
 * DELETE /pets/{id} (admin): 204 when the pet is gone, 404 when there was none, 409
 * when it is sold (a sale is never undone) or, with `If-Match`, when its listing is
 * no longer the one the admin saw.
 */
export const handler: LambdaHandler = route('deletePet', async (event) => {
  const id = parsePathId(event);
  const preconditions = parsePreconditions(event, { noneMatch: false });
  const { tableName } = storeConfig();
  try {
    await new PetTable(tableName).remove(id, preconditions);
    return noContent();
  } finally {
    forgetSnapshot(tableName);
  }
});
