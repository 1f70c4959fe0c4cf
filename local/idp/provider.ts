import Provider, { type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { idTokenLifetimeSeconds } from '../../api/id-token';
import { databaseUserId } from '../../api/roles';
import type { MemoryStorage } from './adapter';
import { messagePage } from './pages';
import type { SocialDirectory, UserStore } from './users';

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  /** Exactly the redirect URIs oidc-provider accepts (string equality). */
  redirectUris: string[];
  /** Origins that may call /userinfo from the browser. */
  allowedOrigins: Set<string>;
  signingKey: JWK;
  cookieKeys: string[];
  /** May shorten the ID token's lifetime, never lengthen it past `idTokenLifetimeSeconds`. */
  idTokenTtlSeconds: number;
  users: UserStore;
  social: SocialDirectory;
  /** Sessions, interactions, grants and tokens. */
  storage: MemoryStorage;
}

/** Scopes and claims the app asks for; the first-party client gets them without consent. */
const grantedScopes = 'openid email profile';
const grantedClaims = ['email', 'email_verified'];

/** oidc-provider set up the way Auth0 behaves for a single-page app using auth0-js. */
export function createProvider(settings: ProviderSettings): Provider {
  const configuration: Configuration = {
    adapter: settings.storage.adapter,
    clients: [
      {
        client_id: settings.clientId,
        client_name: 'Secure Pets',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['implicit'],
        response_types: ['id_token', 'id_token token'],
        redirect_uris: settings.redirectUris,
        id_token_signed_response_alg: 'RS256',
      },
    ],
    responseTypes: ['id_token', 'id_token token'],
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // Auth0 puts the requested claims into the ID token even when it also issues an
    // access token; auth0-js reads the email from idTokenPayload.
    conformIdTokenClaims: false,
    // Auth0's `connection` parameter picks a connection without the login page.
    extraParams: ['connection'],
    jwks: { keys: [settings.signingKey] },
    cookies: {
      keys: settings.cookieKeys,
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax' },
    },
    routes: {
      authorization: '/authorize',
      jwks: '/.well-known/jwks.json',
      userinfo: '/userinfo',
      token: '/oauth/token',
    },
    ttl: {
      // The Auth0 application's ID Token Expiration as the deploy guide sets it: STS
      // trusts a token until its exp, so a longer one would be a longer-lived key.
      IdToken: Math.min(settings.idTokenTtlSeconds, idTokenLifetimeSeconds),
      // Auth0's default lifetime of an access token issued from /authorize.
      AccessToken: 7200,
      Interaction: 3600,
      Session: 3 * 24 * 3600,
      Grant: 3 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      // Auth0's /v2/logout replaces RP-initiated logout (logout.ts).
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
      webMessageResponseMode: { enabled: true, ack: 'individual-draft-01' },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    clientBasedCORS: (_ctx, origin) => settings.allowedOrigins.has(origin),
    async findAccount(_ctx, sub) {
      const userId = databaseUserId(sub);
      const user = userId === undefined ? undefined : settings.users.findById(userId);
      const email = userId === undefined ? await settings.social.emailOf(sub) : user?.email;
      if (!email) return undefined;
      // Amazon verifies its customers' addresses; a database user may not have.
      const verified = user?.emailVerified ?? true;
      return { accountId: sub, claims: () => ({ sub, email, email_verified: verified }) };
    },
    // A first-party application: the grant is implied, so there is no consent screen.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      const grant =
        existing && existing.accountId === session.accountId
          ? existing
          : new ctx.oidc.provider.Grant({
              clientId: client.clientId,
              accountId: session.accountId,
            });
      grant.addOIDCScope(grantedScopes);
      grant.addOIDCClaims(grantedClaims);
      await grant.save();
      return grant;
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = messagePage(
        'Sign-in problem',
        `${out['error_description'] ?? out['error'] ?? 'Something went wrong'}. Go back to the app and try again.`,
        true,
      );
    },
  };
  const provider = new Provider(settings.issuer, configuration);
  // oidc-provider refuses http and localhost redirect URIs for implicit web clients;
  // the local cloud is exactly that (loopback, no TLS). These two checks only.
  const schema = (provider.Client as unknown as { Schema: { prototype: SchemaPrototype } }).Schema;
  const invalidate = schema.prototype.invalidate;
  schema.prototype.invalidate = function (message: string, code?: string) {
    if (code === 'implicit-force-https' || code === 'implicit-forbid-localhost') return;
    invalidate.call(this, message, code);
  };
  return provider;
}

interface SchemaPrototype {
  invalidate(this: unknown, message: string, code?: string): void;
}
