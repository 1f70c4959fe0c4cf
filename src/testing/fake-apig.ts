import type { ApigClientConfig, ApigResponse } from 'aws-api-gateway-client';
import { type Route, matchRoute } from '../../api/http-api';
import type { Pet } from '../../api/pet';
import { pageLimit } from '../../api/pet-query';
import type { RoleName } from '../../api/roles';
import { type FakeStore, answer, refuse } from './fake-pet-api';

export interface ApigCall {
  config: ApigClientConfig;
  path: string;
  method: string;
  body: unknown;
  /** The headers the app asked the client to send (and sign). */
  headers: Record<string, string>;
  /** The query parameters. */
  query: Record<string, string>;
}

interface Refusal {
  status: number;
  data: unknown;
  headers?: Record<string, string>;
}

interface InvokeExtra {
  headers?: Record<string, string>;
  queryParams?: Record<string, string>;
}

/**
 * aws-api-gateway-client in front of an API that behaves like the Secure Pets API
 * (fake-pet-api.ts): `GET /pets` in pages (filters, sorts, opaque cursors in a `Link`
 * header), `PUT` and `DELETE /pets/{id}` with their conditional headers, a purchase
 * that marks a pet sold, and the two views of buyers: `GET /pets/sales` (paged like
 * `GET /pets`) and `POST /pets/mine` (the ID token's own). Routes are the contract's
 * (api/http-api.ts), and like the gateway, a signed route refuses a caller whose
 * role may not invoke it (when `roleOf` knows the caller). A test can also hold,
 * refuse or cut off calls, or slip in another user's write.
 */
export class FakeApig implements FakeStore {
  calls: ApigCall[] = [];
  pets: Pet[] = [
    { id: 1, type: 'dog', price: 249.99 },
    { id: 2, type: 'cat', price: 124.99 },
    { id: 3, type: 'fish', price: 0.99, isSold: true, soldTo: 'someone@example.com' },
  ];
  mineLimit: number = pageLimit.max;
  photoErrors?: Map<number, { key: string; reason: string; at: string }>;
  /** The role of a caller's access key id, as IAM sees it (set by `fakes()`). */
  roleOf?: (accessKeyId: string) => RoleName | undefined;
  /** Refusals answered before the store is consulted, one per call. */
  refusals: Refusal[] = [];
  /** Run before the store answers a call (to simulate another user's write). */
  beforeNext: (() => void)[] = [];
  /** Calls that wait for `release()` before answering (to observe loading states). */
  held: (() => void)[] = [];
  /** Hold every call, or the calls this says to hold. */
  hold: boolean | ((call: ApigCall) => boolean) = false;
  unreachable = false;

  /** The calls of one method (and path, when given). */
  callsOf(method: string, path?: string): ApigCall[] {
    return this.calls.filter((c) => c.method === method && (path === undefined || c.path === path));
  }

  /** Lets the held calls answer. */
  release(): void {
    this.hold = false;
    for (const go of this.held.splice(0)) go();
  }

  /**
   * The browser's fetch in front of the same API, as the app's unsigned public read
   * uses it: the call is recorded like the client's, with no credentials in its
   * config and the base it was sent to (the invoke URL or the CDN's public URL, which
   * share the stage) as its invokeUrl; a cut-off API rejects as fetch does, a refusal
   * is an answer.
   */
  fetchFor(invokeUrl: string): typeof fetch {
    const stage = new URL(invokeUrl).pathname.replace(/\/$/, '');
    return async (input, init) => {
      const url = new URL(String(input));
      const config = { invokeUrl: `${url.origin}${stage}` } as ApigClientConfig;
      const query = Object.fromEntries(url.searchParams);
      const method = init?.method ?? 'GET';
      let response: ApigResponse;
      try {
        const resource = url.pathname.slice(stage.length);
        response = await this.invoke(config, {}, resource, method, { queryParams: query }, '');
      } catch (error) {
        const refusal = (error as { response?: ApigResponse } | null)?.response;
        if (!refusal) throw new TypeError('Failed to fetch');
        response = refusal;
      }
      const headers = Object.entries(response.headers).filter(
        (header): header is [string, string] => header[1] !== undefined,
      );
      return new Response(JSON.stringify(response.data), { status: response.status, headers });
    };
  }

  newClient(config: ApigClientConfig) {
    return {
      invokeApi: (
        params: Record<string, string>,
        pathTemplate: string,
        method: string,
        extra?: InvokeExtra,
        body?: unknown,
      ): Promise<ApigResponse> => this.invoke(config, params, pathTemplate, method, extra, body),
    };
  }

  private async invoke(
    config: ApigClientConfig,
    params: Record<string, string>,
    pathTemplate: string,
    method: string,
    extra: InvokeExtra | undefined,
    body: unknown,
  ): Promise<ApigResponse> {
    // Like the real client: the template's {parameters} are filled in from `params`,
    // and the invoke URL's path (the stage) prefixes it.
    const resource = pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(params[name] ?? ''),
    );
    const call: ApigCall = {
      config,
      path: new URL(config.invokeUrl).pathname.replace(/\/$/, '') + resource,
      method,
      body,
      headers: { ...extra?.headers },
      query: { ...extra?.queryParams },
    };
    this.calls.push(call);
    await Promise.resolve();
    const hold = typeof this.hold === 'function' ? this.hold(call) : this.hold;
    if (hold) await new Promise<void>((go) => this.held.push(go));
    if (this.unreachable) throw new Error('Network Error');
    this.beforeNext.shift()?.();
    const refusal = this.refusals.shift();
    if (refusal) throw { response: { headers: {}, ...refusal } };
    const match = matchRoute(method, resource);
    if (!match) return refuse(404, 'Not found');
    this.authorize(match.route, call);
    return answer(this, {
      handler: match.route.handler,
      id: match.pathParameters?.['id'],
      url: config.invokeUrl.replace(/\/$/, '') + resource,
      query: call.query,
      headers: call.headers,
      body,
    });
  }

  /** The gateway's IAM check: a signed route answers only the roles its policy names. */
  private authorize(route: Route, { config }: ApigCall): void {
    if (route.auth === 'NONE' || !this.roleOf) return;
    if (!config.accessKey) {
      refuse(403, 'Missing Authentication Token', {
        'x-amzn-errortype': 'MissingAuthenticationTokenException',
      });
    }
    const role = this.roleOf(config.accessKey);
    if (role && !route.roles.includes(role)) {
      refuse(403, `User: ${role} is not authorized to perform: execute-api:Invoke`, {
        'x-amzn-errortype': 'AccessDeniedException',
      });
    }
  }
}
