import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  endpoints,
  expect,
  filterByType,
  petItem,
  signInAsAdmin,
  signInAsBuyer,
  stockPets,
  storageKeys,
  submitNewPet,
  test,
  uniqueType,
} from './support';

interface StoredCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

test("the gateway refuses an admin call made with a buyer's credentials", async ({
  page,
  person,
}) => {
  const type = uniqueType('rabbit');
  await stockPets(await person(), [[type, '5']]);

  // A buyer gets real credentials by buying through the app.
  const buyerPage = await person();
  await signInAsBuyer(buyerPage, `sneaky-${Date.now()}@example.com`);
  await filterByType(buyerPage, type);
  await buyerPage.getByRole('button', { name: `Buy ${type} for $5.00` }).click();
  await expect(buyerPage.getByRole('status')).toContainText('You bought');
  const stored = await buyerPage.evaluate(
    ([key, idKey]) => ({
      credentials: sessionStorage.getItem(key),
      session: sessionStorage.getItem(idKey),
    }),
    [storageKeys.credentials, storageKeys.session],
  );
  const credentials = JSON.parse(stored.credentials ?? 'null') as StoredCredentials;
  const buyerIdToken = (JSON.parse(stored.session ?? 'null') as { idToken: string }).idToken;

  // 1. Signed by the AWS signer outside the app: POST /pets is the admin's route.
  const url = new URL(`${endpoints.aws}/test/pets`);
  const body = JSON.stringify({ pets: [] });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    },
    region: 'us-east-1',
    service: 'execute-api',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const res = await fetch(url, { method: 'POST', headers: signed.headers, body });
  expect(res.status).toBe(403);
  expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  expect(((await res.json()) as { message: string }).message).toMatch(
    /^User: arn:aws:sts::\d+:assumed-role\/pets-buyer\/.+ is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:.+\/test\/POST\/pets$/,
  );

  // 2. The app meets the same refusal: the admin's STS call is swapped in the network
  //    for the buyer's, so the admin's page holds buyer credentials; the gateway
  //    refuses the removal and the page says so, changing nothing.
  await page.route(`${endpoints.aws}/`, async (route) => {
    const request = route.request();
    const form = new URLSearchParams(request.postData() ?? '');
    if (request.method() !== 'POST' || form.get('Action') !== 'AssumeRoleWithWebIdentity') {
      return route.continue();
    }
    form.set('WebIdentityToken', buyerIdToken);
    form.set('RoleArn', 'arn:aws:iam::000000000000:role/pets-buyer');
    return route.continue({ postData: form.toString() });
  });
  const refusals: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 403) refusals.push(r.headers()['x-amzn-errortype'] ?? '');
  });
  await signInAsAdmin(page);
  const victim = uniqueType('turtle');
  await submitNewPet(page, victim, '7');
  await expect(page.getByRole('alert')).toContainText('not allowed');
  expect(refusals).toContain('AccessDeniedException');
  await page.unroute(`${endpoints.aws}/`);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await filterByType(page, type);
  await expect(petItem(page, type)).toBeVisible();
  await filterByType(page, victim);
  await expect(petItem(page, victim)).toHaveCount(0);
});
