// aws-api-gateway-client (the browser app's signing client) loaded in Node for the
// tests. It is CommonJS with its factory on `default`, and ships no types, so the
// part the tests use is typed here.
import { createRequire } from 'node:module';

export interface ApigClientConfig {
  invokeUrl: string;
  region: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  systemClockOffset?: number;
}
export interface ApigResponse {
  status: number;
  data: unknown;
  headers: Record<string, string>;
}
export interface ApigClient {
  invokeApi(
    params: Record<string, unknown>,
    pathTemplate: string,
    method: string,
    additionalParams?: { headers?: Record<string, string>; queryParams?: Record<string, string> },
    body?: unknown,
  ): Promise<ApigResponse>;
}

const loaded = createRequire(import.meta.url)('aws-api-gateway-client') as {
  default: { newClient(config: ApigClientConfig): ApigClient };
};

export const newApigClient = (config: ApigClientConfig): ApigClient =>
  loaded.default.newClient(config);
