/**
 * How fresh an ID token must be where it stands for the buyer (the purchase and
 * `POST /pets/mine`). Auth0 ID tokens live 10 hours by default, so a token that
 * leaks (a log, a shared screenshot of dev tools) would otherwise buy in its
 * owner's name all day. The Lambdas refuse a token issued (`iat`) longer ago than
 * this, and the app renews its token silently before it sends an older one.
 */
export const idTokenMaxAgeSeconds = 3600;
