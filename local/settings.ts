import { jwksUriOf } from '../api/app-config';
import { parseAdmins } from '../api/roles';

// The one place that names the local cloud's ports; everything else (config.json,
// the servers, the e2e tests) reads them from here. Each can be moved with an
// environment variable when a port is taken.
function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a TCP port, got ${process.env[name]}`);
  }
  return value;
}

export const ports = {
  /** The static site (the S3 website bucket). */
  site: port('PETS_SITE_PORT', 4200),
  /** The Auth0-compatible identity provider. */
  idp: port('PETS_IDP_PORT', 4400),
  /** API Gateway, STS, Secrets Manager and S3, like LocalStack's edge port. */
  aws: port('PETS_AWS_PORT', 4566),
  /** DynamoDB (dynalite). */
  dynamodb: port('PETS_DYNAMODB_PORT', 4567),
} as const;

/** Loopback only: nothing in the local cloud is reachable from other machines. */
export const host = '127.0.0.1';

/** The simulated AWS account, region and API, as they appear in ARNs. */
export const aws = {
  account: '000000000000',
  region: 'us-east-1',
  /** API Gateway's id for the local SecurePets API (real ids are 10 characters). */
  apiId: 'localpets1',
} as const;

/** The S3 buckets of the local account (on the AWS edge); in AWS the stack names them. */
export const buckets = {
  /** Uploads below `uploads/`, the web images below `photos/` (api/photo-bucket.ts). */
  photos: 'secure-pets-photos',
} as const;

/** The DynamoDB table of pets; in AWS the stack names it. */
export const tableName = 'Pets';

/** The Auth0 application (client) the SPA is registered as. */
export const clientId = 'pets-spa';

/**
 * The local admin list, which the local STS's admin trust policy and the IdP's
 * delegation both apply, as the deployed stack's `admins` setting does: the seeded
 * admin, plus any database users' `sub`s named in PETS_ADMINS (comma-separated).
 * Every other database user is refused the admin role.
 */
export function localAdmins(seededAdminSub: string, env = process.env): string[] {
  const extra = env['PETS_ADMINS']?.trim();
  return parseAdmins([seededAdminSub, ...(extra ? [extra] : [])].join(','));
}

/** Where each local endpoint lives, as the browser and the tests reach them. */
/** The IdP's issuer. Like Auth0's `https://{tenant}/`, it ends with a slash. */
const issuer = `http://localhost:${ports.idp}/`;

export const urls = {
  site: `http://localhost:${ports.site}`,
  issuer,
  jwks: jwksUriOf(issuer),
  aws: `http://localhost:${ports.aws}`,
  /**
   * The edge as S3 clients reach it: an IP address, so the SDK addresses buckets
   * path-style (`/{bucket}/{key}`), which makes the presigned POST's url this origin too.
   */
  s3: `http://${host}:${ports.aws}`,
  dynamodb: `http://${host}:${ports.dynamodb}`,
};
