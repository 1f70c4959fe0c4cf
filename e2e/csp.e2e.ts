import { expect, test } from './support';

test('every page is served with the strict Content-Security-Policy', async ({ page }) => {
  for (const path of ['/login', '/', '/sales', '/callback']) {
    const response = await page.goto(path);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy, path).toContain("script-src 'self'");
    expect(policy, path).toContain("object-src 'none'");
    expect(policy, path).toContain("frame-ancestors 'none'");
    expect(policy, path).not.toContain('unsafe-inline');
    expect(policy, path).not.toContain('unsafe-eval');
  }
});

test('the guard that every test carries catches a violation', async ({ page, problems }) => {
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  // An injected inline script is exactly what the policy is there to stop.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'document.title = "injected"';
    document.body.append(script);
  });
  // Both signals: the securitypolicyviolation event and Chromium's console error.
  await expect
    .poll(() => problems.cspViolations.join('\n'))
    .toMatch(
      /script-src(-elem)? blocked inline[\s\S]*Content Security Policy|Content Security Policy[\s\S]*script-src(-elem)? blocked inline/,
    );
  await expect(page).not.toHaveTitle('injected');
  // Seen and asserted: clear them, or this test's own guard would fail it.
  problems.cspViolations.length = 0;
});
