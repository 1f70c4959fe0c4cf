// The refusal of an unverified email, end to end with real parts only: the local IdP
// signs in its unverified database user and an Amazon buyer, the local STS gives the
// buyer the buyer role from the buyer's own ID token, and the real Lambdas behind the
// local API Gateway, trusting that IdP, get signed requests. The unverified user has no
// role of their own, so the refusal is reached the way an attack would reach it: buyer
// credentials posting someone else's (stolen or borrowed) token as `authToken`.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { handlerNames, lambdaEnvironment, type HandlerName } from '../api/handlers';
import type { Pet } from '../api/pet';
import { signRequest, type SigningCredentials } from './aws/sign';
import {
  audience,
  type Backend,
  loadHandlers,
  recordingRuns,
  makePets,
  startBackend,
} from '../node-testing/backend';
import { ACCOUNT, REGION, startTestEdge, webIdentityCredentials } from '../node-testing/edge';
import { signInOverHttp, startTestIdp, type TestIdp } from '../node-testing/idp';

const ADMIN = `arn:aws:iam::${ACCOUNT}:role/pets-admin`;
const BUYER = `arn:aws:iam::${ACCOUNT}:role/pets-buyer`;
const UNVERIFIED = { email: 'unverified@example.com', password: 'Pets-unverified-1' };
const BUYER_EMAIL = 'buyer@example.com';
const PET_ID = 2;

describe('an ID token with an unverified email, end to end', () => {
  let t: TestIdp;
  let backend: Backend;
  let edge: Awaited<ReturnType<typeof startTestEdge>>;
  let api: string;
  /** The ID tokens the local IdP issued. */
  let unverifiedToken: string;
  let buyerToken: string;
  /** The buyer role's credentials, from the Amazon user's own token. */
  let buyer: SigningCredentials;
  /** The Lambdas that ran, in order. */
  const ran: HandlerName[] = [];

  async function idToken(credentials: Parameters<typeof signInOverHttp>[1]): Promise<string> {
    const fragment = await signInOverHttp(t, credentials);
    const token = fragment.get('id_token');
    assert.ok(token, `no id_token in ${fragment.toString()}`);
    return token;
  }

  /** AssumeRoleWithWebIdentity with the real SDK client against the local STS. */
  const assume = (token: string, roleArn: string): Promise<SigningCredentials> =>
    webIdentityCredentials(edge.edge.url, { roleArn, token, sessionName: 'e2e-caller' });

  before(async () => {
    t = await startTestIdp();
    backend = await startBackend();
    await backend.seed(makePets(3));
    // startBackend configured the handlers for its own test issuer; point every one of
    // them at the real IdP instead, through the variables a deployment sets.
    for (const name of handlerNames) {
      Object.assign(
        process.env,
        lambdaEnvironment(name, {
          tableName: backend.tableName,
          cursorSecretId: backend.secrets.cursorSecretId,
          identity: { issuer: t.idp.issuer, audience, jwksUrl: t.idp.jwksUrl },
        }),
      );
    }
    const real = await loadHandlers();
    const recorded = recordingRuns(real, ran);
    edge = await startTestEdge({
      idp: { issuer: t.idp.issuer, jwksUrl: t.idp.jwksUrl },
      handlers: recorded,
    });
    api = `${edge.edge.url}/test`;

    unverifiedToken = await idToken(UNVERIFIED);
    buyerToken = await idToken({ amazon: BUYER_EMAIL });
    buyer = await assume(buyerToken, BUYER);
  });
  after(async () => {
    await edge?.edge.close();
    await backend?.close();
    await t?.close();
  });
  beforeEach(() => {
    ran.length = 0;
  });

  /** A request signed by @smithy/signature-v4 with the buyer role, sent with fetch. */
  async function signedPost(path: string, body: unknown): Promise<Response> {
    const text = JSON.stringify(body);
    const r = await signRequest({
      url: `${api}${path}`,
      method: 'POST',
      body: text,
      headers: { 'content-type': 'application/json' },
      credentials: buyer,
      region: REGION,
    });
    return fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
  }

  /** The pet as the public GET /pets shows it now. */
  async function publicPet(id: number): Promise<Pet | undefined> {
    const res = await fetch(`${api}/pets`);
    assert.equal(res.status, 200);
    return ((await res.json()) as Pet[]).find((p) => p.id === id);
  }

  it("issues the unverified user's ID token with email_verified: false, the buyer's with true", () => {
    const unverified = decodeJwt(unverifiedToken);
    assert.equal(unverified.iss, t.idp.issuer);
    assert.equal(unverified.aud, audience);
    assert.equal(unverified['email'], UNVERIFIED.email);
    assert.equal(unverified['email_verified'], false);
    assert.match(unverified.sub ?? '', /^auth0\|/);

    const verified = decodeJwt(buyerToken);
    assert.equal(verified.iss, t.idp.issuer);
    assert.equal(verified['email'], BUYER_EMAIL);
    assert.equal(verified['email_verified'], true);
    assert.match(verified.sub ?? '', /^amazon\|/);
  });

  it('gives the unverified database user no role of their own at STS', async () => {
    for (const role of [BUYER, ADMIN]) {
      await assert.rejects(assume(unverifiedToken, role), { name: 'AccessDenied' });
    }
  });

  it("refuses POST /pets/purchase with the unverified token: the Lambda's 401, the pet still for sale", async () => {
    const res = await signedPost('/pets/purchase', {
      petId: PET_ID,
      authToken: unverifiedToken,
    });
    const body = (await res.json()) as { message: string };
    assert.equal(res.status, 401, body.message);
    assert.equal(body.message, 'authToken carries an unverified email.');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.deepEqual(ran, ['purchasePet'], 'the gateway let it through; the Lambda refused it');

    const pet = await publicPet(PET_ID);
    assert.ok(pet, `pet ${PET_ID} is listed`);
    assert.ok(!pet.isSold, 'the pet is still for sale');
  });

  it('refuses POST /pets/mine with the unverified token: 401', async () => {
    const res = await signedPost('/pets/mine', { authToken: unverifiedToken });
    const body = (await res.json()) as { message: string };
    assert.equal(res.status, 401, body.message);
    assert.equal(body.message, 'authToken carries an unverified email.');
    assert.deepEqual(ran, ['listMine']);
  });

  it("control: the buyer's own verified token buys the same pet and lists it as theirs", async () => {
    const bought = await signedPost('/pets/purchase', { petId: PET_ID, authToken: buyerToken });
    assert.equal(bought.status, 200, await bought.clone().text());
    const sold = ((await bought.json()) as Pet[]).find((p) => p.id === PET_ID);
    assert.equal(sold?.isSold, true);

    const mine = await signedPost('/pets/mine', { authToken: buyerToken });
    assert.equal(mine.status, 200, await mine.clone().text());
    const pets = (await mine.json()) as Pet[];
    assert.deepEqual(
      pets.map((p) => [p.id, p.isSold, p.soldTo]),
      [[PET_ID, true, BUYER_EMAIL]],
    );
    assert.deepEqual(ran, ['purchasePet', 'listMine']);

    assert.equal((await publicPet(PET_ID))?.isSold, true);
  });
});
