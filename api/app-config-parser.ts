/**
 * config.json's parser: checks a value against the one `AppConfig` type (app-config.ts)
 * and reports every problem at once. Its own module so the app can load it beside
 * config.json rather than in its initial JavaScript (the messages are most of it);
 * the local cloud and `npm run publish` write their files through it too.
 */
import { type AppConfig, AppConfigError } from './app-config';
import { appSessionDuration, isAppSessionDuration } from './credentials';

const ARN = /^arn:aws[\w-]*:iam::\d{12}:(role|saml-provider|oidc-provider)\/.+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * Checks the shape of config.json and reports every problem at once, so whoever
 * deploys a bucket fixes the file in one go. Hand-written rather than a schema
 * library: ten keys do not justify kilobytes in the app's initial bundle.
 */
export function parseAppConfig(raw: unknown): AppConfig {
  const problems: string[] = [];
  const section = (name: string): Record<string, unknown> => {
    const value = isRecord(raw) ? raw[name] : undefined;
    if (!isRecord(value)) {
      problems.push(`"${name}" must be an object.`);
      return {};
    }
    return value;
  };
  const text = (obj: Record<string, unknown>, path: string, key: string, optional = false) => {
    const value = obj[key];
    if (value === undefined && optional) return undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`"${path}.${key}" must be a non-empty string.`);
      return '';
    }
    return value.trim();
  };
  const url = (obj: Record<string, unknown>, path: string, key: string, optional = false) => {
    const value = text(obj, path, key, optional);
    if (value && !isHttpUrl(value)) problems.push(`"${path}.${key}" must be an http(s) URL.`);
    return value;
  };
  const arn = (obj: Record<string, unknown>, path: string, key: string) => {
    const value = text(obj, path, key);
    if (value && !ARN.test(value)) problems.push(`"${path}.${key}" must be an IAM ARN.`);
    return value ?? '';
  };

  if (!isRecord(raw)) {
    throw new AppConfigError('config.json must hold a JSON object.', [
      'The file is not an object.',
    ]);
  }
  const auth0 = section('auth0');
  const api = section('api');
  const credentials = section('credentials');
  const roles = isRecord(credentials['roles']) ? credentials['roles'] : {};
  if (!isRecord(credentials['roles']) && isRecord(raw['credentials'])) {
    problems.push('"credentials.roles" must be an object.');
  }

  const domain = text(auth0, 'auth0', 'domain') ?? '';
  if (domain && /^https?:/i.test(domain) && !isHttpUrl(domain)) {
    problems.push('"auth0.domain" must be a host name or an http(s) URL.');
  }
  const mode = credentials['mode'];
  if (mode !== 'web-identity' && mode !== 'delegation') {
    problems.push('"credentials.mode" must be "web-identity" or "delegation".');
  }
  const config: AppConfig = {
    auth0: {
      domain: domain.replace(/\/+$/, ''),
      clientId: text(auth0, 'auth0', 'clientId') ?? '',
    },
    api: {
      invokeUrl: (url(api, 'api', 'invokeUrl') ?? '').replace(/\/+$/, ''),
      region: text(api, 'api', 'region') ?? '',
    },
    credentials: {
      mode: mode === 'delegation' ? 'delegation' : 'web-identity',
      roles: {
        admin: arn(roles, 'credentials.roles', 'admin'),
        buyer: arn(roles, 'credentials.roles', 'buyer'),
      },
    },
  };
  // Optional keys appear only when given, so a written file says no more than it means.
  const issuer = url(auth0, 'auth0', 'issuer', true);
  if (issuer) config.auth0.issuer = issuer;
  const jwksUri = url(auth0, 'auth0', 'jwksUri', true);
  if (jwksUri) config.auth0.jwksUri = jwksUri;
  const publicUrl = url(api, 'api', 'publicUrl', true);
  if (publicUrl) config.api.publicUrl = publicUrl.replace(/\/+$/, '');
  const photoUploadUrl = url(api, 'api', 'photoUploadUrl', true);
  if (photoUploadUrl) config.api.photoUploadUrl = photoUploadUrl;
  const stsEndpoint = url(credentials, 'credentials', 'stsEndpoint', true);
  if (stsEndpoint) config.credentials.stsEndpoint = stsEndpoint;
  const duration = credentials['durationSeconds'];
  if (duration !== undefined) {
    if (isAppSessionDuration(duration)) {
      config.credentials.durationSeconds = duration;
    } else {
      problems.push(
        `"credentials.durationSeconds" must be a whole number of seconds from ${appSessionDuration.minSeconds} to ${appSessionDuration.maxSeconds}.`,
      );
    }
  }
  if (mode === 'delegation')
    config.credentials.principal = arn(credentials, 'credentials', 'principal');
  if (problems.length > 0) {
    throw new AppConfigError('config.json is not valid.', problems);
  }
  return config;
}
