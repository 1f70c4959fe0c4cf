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
  /** API Gateway and STS, like LocalStack's edge port. */
  aws: port('PETS_AWS_PORT', 4566),
  /** DynamoDB (dynalite). */
  dynamodb: port('PETS_DYNAMODB_PORT', 4567),
} as const;

/** Loopback only: nothing in the local cloud is reachable from other machines. */
export const host = '127.0.0.1';
