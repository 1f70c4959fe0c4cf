// A bench's users, signed in over HTTP against a running local cloud as the app signs
// them in (the IdP's form, then the local STS), and their SigV4-signed API calls.
import { roleArn } from '../api/roles';
import { signRequest, type SigningCredentials } from '../local/aws/sign';
import { aws, clientId } from '../local/settings';
import { webIdentityCredentials } from '../node-testing/edge';
import { cookieClient } from '../node-testing/idp';

export interface Endpoints {
  site: string;
  issuer: string;
  aws: string;
}

/** A local cloud's ports, as its environment names them (local/settings.ts reads them). */
export interface CloudPorts {
  PETS_SITE_PORT: string;
  PETS_IDP_PORT: string;
  PETS_AWS_PORT: string;
}

/** Where a local cloud started on `ports` answers: the site, the IdP's issuer and the AWS edge. */
export function endpointsOf(ports: CloudPorts): Endpoints {
  return {
    site: `http://localhost:${ports.PETS_SITE_PORT}`,
    issuer: `http://localhost:${ports.PETS_IDP_PORT}/`,
    aws: `http://localhost:${ports.PETS_AWS_PORT}`,
  };
}

export interface Caller {
  email: string;
  idToken: string;
  credentials: SigningCredentials;
}

/** Signs in through the IdP's form as the app's implicit flow does, then takes the role. */
export async function signIn(
  at: Endpoints,
  who: { amazon: string } | { email: string; password: string },
  role: 'buyer' | 'admin',
): Promise<Caller> {
  const client = cookieClient();
  const authorize = new URL('authorize', at.issuer);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'id_token',
    redirect_uri: `${at.site}/callback`,
    scope: 'openid email',
    nonce: 'bench',
    state: 'bench',
  }).toString();
  let res = await client(authorize);
  const interaction = new URL(res.headers.get('location') ?? '', at.issuer);
  const [path, form] = 'amazon' in who ? ['/amazon', { email: who.amazon }] : ['/login', who];
  res = await client(new URL(interaction.pathname + path, at.issuer), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  if (res.status !== 303) throw new Error(`sign-in refused: ${res.status}`);
  res = await client(new URL(res.headers.get('location') ?? '', at.issuer));
  const fragment = new URLSearchParams(new URL(res.headers.get('location') ?? '').hash.slice(1));
  const idToken = fragment.get('id_token');
  if (!idToken) throw new Error('no id_token');
  const credentials = await webIdentityCredentials(at.aws, {
    roleArn: roleArn(role, aws.account),
    token: idToken,
    sessionName: 'bench',
  });
  const email = 'amazon' in who ? who.amazon : who.email;
  return { email, idToken, credentials };
}

/** A request signed with the caller's role credentials, as the app's API client signs. */
export async function signedFetch(
  caller: Caller,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signed = await signRequest({
    url,
    method,
    body: text,
    headers: { ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers },
    credentials: caller.credentials,
    region: aws.region,
  });
  return fetch(url, { method, headers: signed.headers, body: text });
}
