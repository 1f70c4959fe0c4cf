/**
 * How fresh an ID token must be where it stands for the buyer (the purchase and
 * `POST /pets/mine`). Auth0 ID tokens live 10 hours by default, so a token that
 * leaks (a log, a shared screenshot of dev tools) would otherwise buy in its
 * owner's name all day. The Lambdas refuse a token issued (`iat`) longer ago than
 * this, and the app renews its token silently before it sends an older one.
 */
export const idTokenMaxAgeSeconds = 3600;

/**
 * The longest an ID token lives (`exp` - `iat`): the Auth0 application's **ID Token
 * Expiration**, which the deploy guide (infra/README.md) makes a required 3600 in
 * place of Auth0's default 36000, and the local identity provider's lifetime. STS
 * `AssumeRoleWithWebIdentity` checks only a token's `exp`, not its age, so this is
 * how long a leaked admin token can be traded for fresh admin credentials (and with
 * them every buyer's email from `GET /pets/sales`). It is also the maximum age above:
 * past it a token is both too old for a purchase and expired.
 */
export const idTokenLifetimeSeconds = 3600;
