/** Header names in any case; repeated headers as arrays, in arrival order. */
export type RequestHeaders = Record<string, string | readonly string[] | undefined>;

/** A request as it arrived: the path and query exactly as on the wire. */
export interface IncomingRequest {
  method: string;
  /** The path of the request target, still percent-encoded as sent. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  headers: RequestHeaders;
  body: string | Uint8Array;
}

/** A request as the edge hands it to the gateway: the wire request and where it came from. */
export interface GatewayRequest extends IncomingRequest {
  /** Header names as the client sent them, for the event's `headers`. */
  rawHeaders: readonly string[];
  sourceIp: string;
  /** The port and scheme the client reached the edge on (X-Forwarded-Port/-Proto). */
  port?: number;
  protocol?: 'http' | 'https';
}

/** A request header whatever the case of its name; repeated ones joined with `, `. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value = headers[key];
    return typeof value === 'string' ? value : value?.join(', ');
  }
  return undefined;
}
