import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { after, before } from 'node:test';
import type { HandlerName, LambdaHandler } from '../api/handlers';
import type { Pet } from '../api/pet';
import { apiEvent, audience, issuer, startBackend } from './backend';
import { loadHandlers } from './lambdas';

/**
 * The purchase's token checks in one test file: a backend with the environment `env`
 * (the handlers read it once, as a Lambda container does, so another environment
 * needs another file), its handlers, and 40 unsold pets to buy, one per check.
 */
export async function startPurchaseChecks(env: Record<string, string> = {}) {
  const backend = await startBackend({ env });
  const handlers = await loadHandlers();
  after(() => backend.close());
  before(() =>
    backend.seed(Array.from({ length: 40 }, (_, i) => ({ id: i + 1, type: 'dog', price: 10 }))),
  );
  return { backend, handlers, buyWith: tokenPurchases(handlers) };
}

/**
 * Purchases of fresh pets (ids 1, 2, … of a seeded store) with a given ID token, for
 * the tests of the purchase's token checks. On a refusal it checks that the pet
 * stayed unsold.
 */
export function tokenPurchases(handlers: Record<HandlerName, LambdaHandler>) {
  let nextId = 1;
  return async function buyWith(authToken: string) {
    const petId = nextId++;
    const res = await handlers.purchasePet({
      ...apiEvent('POST', '/pets/purchase', { petId, authToken }),
    });
    if (res.statusCode !== 200) {
      const pets = JSON.parse((await handlers.getPets(apiEvent('GET', '/pets'))).body) as Pet[];
      assert.equal(
        pets.find((p) => p.id === petId)?.isSold,
        undefined,
        'a refused token sold the pet',
      );
    }
    return {
      status: res.statusCode,
      message: (JSON.parse(res.body) as { message?: string }).message,
      body: res.body,
    };
  };
}

/** An ID token of the handlers' issuer and audience, signed HS256 with `secret`. */
export function hs256(
  claims: Record<string, unknown>,
  secret: Uint8Array,
  header: Record<string, unknown> = {},
) {
  return new SignJWT({ email: 'buyer@example.com', email_verified: true, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(secret);
}
