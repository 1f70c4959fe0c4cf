// aws-api-gateway-client ships no types; this declares the part the app uses.
declare module 'aws-api-gateway-client' {
  export interface ApigClientConfig {
    invokeUrl: string;
    region?: string;
    accessKey?: string;
    secretKey?: string;
    sessionToken?: string;
    systemClockOffset?: number;
    /** The Host header to sign; the library otherwise signs the host name without its port. */
    host?: string;
  }
  export interface ApigResponse<T = unknown> {
    status: number;
    data: T;
    headers: Record<string, string | undefined>;
  }
  export interface ApigClient {
    invokeApi(
      params: Record<string, string>,
      pathTemplate: string,
      method: string,
      /** Headers and query parameters; the signer signs every header and parameter it sends. */
      additionalParams?: {
        headers?: Record<string, string>;
        queryParams?: Record<string, string>;
      },
      body?: unknown,
    ): Promise<ApigResponse>;
  }
  const apigClientFactory: { newClient(config: ApigClientConfig): ApigClient };
  export default apigClientFactory;
}
