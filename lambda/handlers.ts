import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { HandlerName } from '../api/definition';
import { handler as getPets } from './get-pets';
import { handler as purchasePet } from './purchase-pet';
import { handler as updatePets } from './update-pets';

/** Every Lambda by the name api/definition.ts gives it, for the local gateway. */
export const handlers: Record<
  HandlerName,
  (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>
> = { getPets, updatePets, purchasePet };
