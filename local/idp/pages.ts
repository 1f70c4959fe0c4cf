// The IdP's HTML: server-rendered, no script, one small inline stylesheet.

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

/** Pages may not be framed (clickjacking) nor load anything but their own style. */
export const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

const style = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f2f4f7; color: #1d2433; }
  main { width: min(24rem, 100% - 2rem); background: #fff; border-radius: 12px; padding: 2rem;
         box-shadow: 0 4px 24px rgb(0 0 0 / 0.08); }
  h1 { font-size: 1.4rem; margin: 0 0 0.25rem; }
  p { margin: 0 0 1rem; color: #4a5468; }
  form { display: grid; gap: 0.75rem; }
  label { display: grid; gap: 0.25rem; font-weight: 600; font-size: 0.9rem; }
  input { font: inherit; padding: 0.6rem 0.7rem; border: 1px solid #b8c0cc; border-radius: 6px; }
  input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid #6b8cff; outline-offset: 2px; }
  button { font: inherit; font-weight: 600; padding: 0.65rem; border-radius: 6px; border: 0; cursor: pointer;
           background: #3451d1; color: #fff; }
  button.amazon { background: #ffd814; color: #0f1111; }
  .divider { display: flex; align-items: center; gap: 0.5rem; color: #6a7385; margin: 1rem 0; font-size: 0.85rem; }
  .divider::before, .divider::after { content: ""; flex: 1; border-top: 1px solid #d5dae1; }
  [role="alert"] { background: #fdecec; color: #8a1c1c; border-radius: 6px; padding: 0.6rem 0.75rem; margin: 0 0 1rem; }
  .hint { font-size: 0.8rem; color: #6a7385; margin-top: 1rem; }
  a { color: #3451d1; }
  @media (prefers-color-scheme: dark) {
    body { background: #12151c; color: #e6e9ef; }
    main { background: #1d212b; box-shadow: none; }
    p, .hint, .divider { color: #a9b1c2; }
    input { background: #12151c; color: inherit; border-color: #4a5468; }
    [role="alert"] { background: #4a1c1c; color: #ffd6d6; }
    a { color: #9fb0ff; }
  }
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function alert(error: string | undefined): string {
  return error ? `<p role="alert">${escapeHtml(error)}</p>` : '';
}

export interface LoginPageInput {
  /** Where the forms post: the interaction's own path. */
  action: string;
  appName: string;
  email?: string;
  error?: string;
}

/** The universal login page: the database connection and the social one. */
export function loginPage({ action, appName, email = '', error }: LoginPageInput): string {
  return layout(
    `Log in to ${appName}`,
    `<h1>Log in</h1>
<p>to continue to ${escapeHtml(appName)}</p>
${alert(error)}
<form method="post" action="${escapeHtml(action)}/login">
  <label>Email <input name="email" type="email" maxlength="254" autocomplete="username" required value="${escapeHtml(email)}"${error ? '' : ' autofocus'}></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required${error ? ' autofocus' : ''}></label>
  <button type="submit">Log in</button>
</form>
<div class="divider">or</div>
<form method="get" action="${escapeHtml(action)}/amazon">
  <button type="submit" class="amazon">Continue with Amazon</button>
</form>
<p class="hint">Local identity provider. Seeded admin: admin@example.com</p>`,
  );
}

/** The simulated Login with Amazon: any well-formed email is an Amazon customer. */
export function amazonPage({ action, appName, email = '', error }: LoginPageInput): string {
  return layout(
    'Sign in with Amazon',
    `<h1>Sign in with Amazon</h1>
<p>Simulated: any email signs in as the same Amazon customer every time, to continue to ${escapeHtml(appName)}.</p>
${alert(error)}
<form method="post" action="${escapeHtml(action)}/amazon">
  <label>Email <input name="email" type="email" maxlength="254" autocomplete="email" required autofocus value="${escapeHtml(email)}"></label>
  <button type="submit" class="amazon">Sign in</button>
</form>
<p class="hint"><a href="${escapeHtml(action)}">Back to log in</a></p>`,
  );
}

/** A short page with a heading and a sentence: signed out, or an error. */
export function messagePage(title: string, text: string, isError = false): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
${isError ? `<p role="alert">${escapeHtml(text)}</p>` : `<p>${escapeHtml(text)}</p>`}`,
  );
}
