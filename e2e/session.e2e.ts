import {
  addPet,
  storageKeys,
  endpoints,
  expect,
  filterByType,
  sessionStorageOf,
  setCloudClockOffset,
  signInAsAdmin,
  signInAsBuyer,
  stockPets,
  test,
  uniqueType,
} from './support';

test('a reload keeps the session and Log out clears it', async ({ page }) => {
  await signInAsAdmin(page);
  const type = uniqueType('gecko');
  await addPet(page, type, '3'); // a signed call, so credentials are stored too
  const before = Object.keys(await sessionStorageOf(page));
  expect(before).toEqual(expect.arrayContaining([storageKeys.session, storageKeys.credentials]));

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome, admin@example.com');

  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  const storage = await page.evaluate(() => ({ ...sessionStorage, ...localStorage }));
  const leftovers = Object.entries(storage).filter(
    ([key, value]) => key.startsWith('secure-pets') || /eyJ|ASIA/.test(value),
  );
  expect(leftovers).toEqual([]);

  // The identity provider's session ended too: the store front is signed out, and asks
  // for a login again.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Secure Pets');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log out' })).toHaveCount(0);
});

test('credentials are renewed when they run out, instead of failing', async ({ page, person }) => {
  const [first, second] = [uniqueType('lizard'), uniqueType('snake')];
  await stockPets(await person(), [
    [first, '20'],
    [second, '30'],
  ]);

  // The local STS issues 900 s credentials here (PETS_CREDENTIAL_SECONDS).
  // Counted from before sign-in: when the first exchange happens is the app's choice.
  const stsCalls: string[] = [];
  const refusals: number[] = [];
  page.on('request', (r) => {
    if (r.url() === `${endpoints.aws}/` && r.method() === 'POST') stsCalls.push(r.url());
  });
  page.on('response', (r) => {
    if (r.status() === 403) refusals.push(r.status());
  });
  await page.clock.install();
  await signInAsBuyer(page, `patient-${Date.now()}@example.com`);
  await filterByType(page, first);
  await page.getByRole('button', { name: `Buy ${first} for $20.00` }).click();
  await expect(page.getByRole('status')).toContainText(`You bought the ${first}`);
  expect(stsCalls).toHaveLength(1);

  // Sixteen minutes later, on both sides (SigV4 refuses more than 5 minutes of skew).
  const later = 16 * 60_000;
  await setCloudClockOffset(later);
  try {
    await page.clock.fastForward(later);
    await filterByType(page, second);
    await page.getByRole('button', { name: `Buy ${second} for $30.00` }).click();
    await expect(page.getByRole('status')).toContainText(`You bought the ${second}`);
    expect(stsCalls).toHaveLength(2);
    expect(refusals).toEqual([]);
  } finally {
    await setCloudClockOffset(0);
  }
});
