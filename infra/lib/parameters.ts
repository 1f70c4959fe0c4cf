import { api } from '../../api/http-api';
import {
  AdminListError,
  databaseSub,
  parseAdmins,
  roleNames,
  type RoleName,
} from '../../api/roles';

/**
 * What a deployment varies by. These are synth-time values (CDK context or
 * environment variables), not CloudFormation parameters: the Auth0 domain is part
 * of the IAM condition *keys* in the trust policies (`{domain}:sub`), and a
 * CloudFormation parameter cannot appear in a JSON key without a custom resource.
 */
export interface DeployParameters {
  /** Auth0 tenant host, no scheme or trailing slash: `my-tenant.us.auth0.com`. */
  auth0Domain: string;
  /** The Auth0 application's client id: the ID token's `aud`. */
  auth0ClientId: string;
  /**
   * The database users the admin role trusts, by Auth0 user id (`sub`, see
   * api/roles.ts): at least one. Every other database user gets no role.
   */
  admins: string[];
  /** API Gateway stage; the definition's stage unless overridden. */
  stage: string;
  /** Deploy region, or undefined for a region-agnostic template (offline synth). */
  region?: string;
  /**
   * Secrets Manager secret (name or ARN) holding the base64 HS256 secret of a
   * legacy Auth0 client, or undefined when tokens are RS256 only.
   */
  legacySecretId?: string;
  /** JSON key inside that secret, when the secret is a JSON object. */
  legacySecretJsonField?: string;
  /** ARN of an IAM OIDC provider for the tenant that already exists in the account. */
  oidcProviderArn?: string;
  /** Keep the table when the stack is deleted (the default), or delete it with the stack. */
  retainData: boolean;
  /** API stage throttling: steady-state requests per second, and the burst above it. */
  throttle: { rateLimit: number; burstLimit: number };
  /**
   * Whether the stack sets API Gateway's account-wide CloudWatch Logs role (true, the
   * default), or the account already has one (false); stage logging needs it either way.
   */
  apiGatewayCloudWatchRole: boolean;
  /** SNS topic ARN the alarms notify, or undefined for alarms without actions. */
  alarmTopicArn?: string;
  /**
   * The site's own host name on CloudFront, with its ACM certificate (us-east-1), or
   * undefined for the distribution's `*.cloudfront.net` name.
   */
  siteDomain?: { name: string; certificateArn: string };
}

export class ParameterError extends Error {
  override readonly name = 'ParameterError';
}

/** Values `npm run synth` uses when no tenant is given, so the template can be inspected. */
export const exampleParameters = {
  auth0Domain: 'example-tenant.us.auth0.com',
  auth0ClientId: 'EXAMPLEclientId0123456789abcdef',
  admins: databaseSub('000000000000000000000001'),
} as const;

/** Context key → environment variable that can stand in for it. */
export const parameterSources = {
  auth0Domain: 'AUTH0_DOMAIN',
  auth0ClientId: 'AUTH0_CLIENT_ID',
  admins: 'PETS_ADMINS',
  stage: 'PETS_STAGE',
  region: 'CDK_DEFAULT_REGION',
  legacySecretId: 'LEGACY_HS256_SECRET_ID',
  legacySecretJsonField: 'LEGACY_HS256_SECRET_JSON_FIELD',
  oidcProviderArn: 'OIDC_PROVIDER_ARN',
  retainData: 'PETS_RETAIN_DATA',
  throttleRateLimit: 'PETS_THROTTLE_RATE_LIMIT',
  throttleBurstLimit: 'PETS_THROTTLE_BURST_LIMIT',
  apiGatewayCloudWatchRole: 'PETS_APIGATEWAY_CLOUDWATCH_ROLE',
  alarmTopicArn: 'PETS_ALARM_TOPIC_ARN',
  siteDomain: 'PETS_SITE_DOMAIN',
  siteCertificateArn: 'PETS_SITE_CERTIFICATE_ARN',
  example: 'PETS_EXAMPLE',
} as const;

type Lookup = (contextKey: keyof typeof parameterSources) => string | undefined;

const hostPattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const stagePattern = /^[A-Za-z0-9_]{1,128}$/;
const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Reads and checks the parameters. `lookup` returns the CDK context value, else the
 * environment variable, for a key; with `example` set, a missing tenant falls back
 * to {@link exampleParameters} (for offline synth only, never for deploy).
 */
export function readParameters(lookup: Lookup): DeployParameters {
  const example = truthy(lookup('example'));
  const domainInput =
    lookup('auth0Domain') ?? (example ? exampleParameters.auth0Domain : undefined);
  const clientId =
    lookup('auth0ClientId') ?? (example ? exampleParameters.auth0ClientId : undefined);
  if (!domainInput || !clientId) {
    throw new ParameterError(
      'Set the Auth0 tenant: -c auth0Domain=<tenant host> -c auth0ClientId=<client id> ' +
        '(or AUTH0_DOMAIN and AUTH0_CLIENT_ID).',
    );
  }
  const auth0Domain = domainInput
    .replace(/^https:\/\//, '')
    .replace(/\/+$/, '')
    .toLowerCase();
  if (!hostPattern.test(auth0Domain)) {
    throw new ParameterError(
      `auth0Domain must be a host name like tenant.us.auth0.com, got ${domainInput}`,
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(clientId)) {
    throw new ParameterError(`auth0ClientId has unexpected characters: ${clientId}`);
  }
  // The example admin goes with the example tenant only: a real tenant's template
  // never names a made-up admin, even from `npm run synth`.
  const exampleTenant = example && lookup('auth0Domain') === undefined;
  const adminsInput = lookup('admins') ?? (exampleTenant ? exampleParameters.admins : undefined);
  let admins: string[];
  try {
    admins = parseAdmins(adminsInput ?? '');
  } catch (error) {
    if (!(error instanceof AdminListError)) throw error;
    throw new ParameterError(
      `${error.message} Set them with -c admins='${databaseSub('…')},${databaseSub('…')}' (or PETS_ADMINS); infra/README.md shows where to find a user's id.`,
    );
  }
  const stage = lookup('stage') ?? api.stage;
  if (!stagePattern.test(stage)) {
    throw new ParameterError(`stage must be letters, digits or underscores, got ${stage}`);
  }
  checkRoleNameLength(stage);
  const region = lookup('region');
  if (region !== undefined && !regionPattern.test(region)) {
    throw new ParameterError(`region must be an AWS region like us-east-1, got ${region}`);
  }
  const oidcProviderArn = lookup('oidcProviderArn');
  if (
    oidcProviderArn !== undefined &&
    !/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+/.test(oidcProviderArn)
  ) {
    throw new ParameterError(`oidcProviderArn is not an IAM OIDC provider ARN: ${oidcProviderArn}`);
  }
  const retain = lookup('retainData');
  const throttle = {
    rateLimit: wholeNumber(lookup('throttleRateLimit'), 'throttleRateLimit', 50),
    burstLimit: wholeNumber(lookup('throttleBurstLimit'), 'throttleBurstLimit', 100),
  };
  const cloudWatchRole = lookup('apiGatewayCloudWatchRole');
  const alarmTopicArn = lookup('alarmTopicArn');
  if (
    alarmTopicArn !== undefined &&
    !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(alarmTopicArn)
  ) {
    throw new ParameterError(`alarmTopicArn is not an SNS topic ARN: ${alarmTopicArn}`);
  }
  const siteDomain = readSiteDomain(lookup('siteDomain'), lookup('siteCertificateArn'));
  if (!oidcProviderArn) checkProviderStackName(auth0Domain);
  return {
    auth0Domain,
    auth0ClientId: clientId,
    admins,
    stage,
    region,
    legacySecretId: lookup('legacySecretId'),
    legacySecretJsonField: lookup('legacySecretJsonField'),
    oidcProviderArn,
    retainData: retain === undefined ? true : truthy(retain),
    throttle,
    apiGatewayCloudWatchRole: cloudWatchRole === undefined ? true : truthy(cloudWatchRole),
    alarmTopicArn,
    siteDomain,
  };
}

/**
 * The site's custom domain: a host name and the ARN of its certificate, both or
 * neither. CloudFront takes certificates from ACM in us-east-1 only, whatever the
 * stack's region, so another region's ARN is refused here rather than by CloudFormation.
 */
function readSiteDomain(
  name: string | undefined,
  certificateArn: string | undefined,
): DeployParameters['siteDomain'] {
  if (name === undefined && certificateArn === undefined) return undefined;
  if (name === undefined || certificateArn === undefined) {
    throw new ParameterError(
      'A custom site domain needs both -c siteDomain=<host> and -c siteCertificateArn=<ACM certificate ARN in us-east-1>.',
    );
  }
  const host = name.toLowerCase();
  if (!hostPattern.test(host)) {
    throw new ParameterError(`siteDomain must be a host name like pets.example.com, got ${name}`);
  }
  const arn = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/.exec(
    certificateArn,
  );
  if (!arn) {
    throw new ParameterError(`siteCertificateArn is not an ACM certificate ARN: ${certificateArn}`);
  }
  if (arn[1] !== 'us-east-1') {
    throw new ParameterError(
      `siteCertificateArn must be a certificate in us-east-1 (CloudFront reads ACM there only), got one in ${arn[1]}`,
    );
  }
  return { name: host, certificateArn };
}

/** IAM's limit on a role name. */
export const maxRoleNameLength = 64;

/**
 * A deployed role's name: its stack's, then the role, so stages never collide with
 * each other or with the account's other roles. (The local cloud keeps the
 * definition's names, api/roles.ts, as its own account.) Role names are global to the
 * account while stacks are regional: one stage name per account.
 */
export function roleNameFor(role: RoleName, stage: string): string {
  return `${stackName(stage)}-${role}`;
}

/** Refuses a stage whose role names IAM would refuse, before anything is deployed. */
function checkRoleNameLength(stage: string): void {
  const longest = roleNames
    .map((role) => roleNameFor(role, stage))
    .reduce((a, b) => (b.length > a.length ? b : a));
  if (longest.length > maxRoleNameLength) {
    const room = maxRoleNameLength - (longest.length - stage.length);
    throw new ParameterError(
      `stage is too long: the role ${longest} would have ${longest.length} characters and IAM allows ${maxRoleNameLength}; use a stage of at most ${room} characters.`,
    );
  }
}

/** CloudFormation's limit on a stack name. */
const maxStackNameLength = 128;

/**
 * The stack that holds the tenant's IAM OIDC provider. IAM allows one provider per
 * issuer in an account, so every stage that trusts the tenant shares it, and it lives
 * in a stack of its own that no stage's destroy takes down.
 */
export function providerStackName(auth0Domain: string): string {
  return `${api.name}-Oidc-${auth0Domain.replaceAll('.', '-')}`;
}

function checkProviderStackName(auth0Domain: string): void {
  const name = providerStackName(auth0Domain);
  if (name.length > maxStackNameLength) {
    throw new ParameterError(
      `auth0Domain is too long for the OIDC provider's stack name (${name.length} of ${maxStackNameLength} characters); create the provider yourself and pass -c oidcProviderArn=…`,
    );
  }
}

/**
 * A whole number of requests per second, from 1 up: API Gateway takes a double, but a
 * fraction or 0 here is a typo far more often than a wish to shut the API.
 */
function wholeNumber(value: string | undefined, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) {
    throw new ParameterError(`${key} must be a whole number of requests per second, got ${value}`);
  }
  return Number(value);
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value);
}

/** One stack per stage, so stages can share an account. */
export function stackName(stage: string): string {
  return `${api.name}-${stage}`;
}
