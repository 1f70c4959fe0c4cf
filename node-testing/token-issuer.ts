// A stand-in OIDC provider for tests: RS256 keys from jose, a real JWKS endpoint on
// loopback, and ID tokens signed with them. The Lambdas' token checks and the local
// STS verify against it exactly as they verify the real issuer.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwksUriOf } from '../api/app-config';
import { clientId as audience } from '../local/settings';

/** The Auth0 application (client id) the test tokens are issued to. */
export { audience };

export interface TokenOptions {
  issuer?: string;
  audience?: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
  /** Seconds since the epoch, or a jose time span from `iat` (`'10m'`); default an hour. */
  exp?: number | string;
  /** Sign with another key (the JWKS does not publish it). */
  key?: CryptoKey;
  /** The header's `kid`; default the published key's. */
  kid?: string;
}

export interface TokenIssuer {
  issuer: string;
  jwksUrl: string;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** An RS256 ID token with these claims. */
  token(claims: JWTPayload, options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the JWKS server. `issuer` defaults to the server's own URL; pass one when
 * the test only compares it (the JWKS is then found through `jwksUrl`).
 */
export async function startTokenIssuer(options: { issuer?: string } = {}): Promise<TokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const own = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const issuer = options.issuer ?? own;
  return {
    issuer,
    jwksUrl: jwksUriOf(own),
    kid,
    privateKey,
    publicKey,
    token(claims, opts = {}) {
      const iat = opts.iat ?? Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? kid, typ: 'JWT' })
        .setIssuer(opts.issuer ?? issuer)
        .setAudience(opts.audience ?? audience)
        .setIssuedAt(iat)
        .setExpirationTime(opts.exp ?? iat + 3600)
        .sign(opts.key ?? privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
