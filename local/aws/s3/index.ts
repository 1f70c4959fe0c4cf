/**
 * The local S3: path-style buckets (`/{bucket}/{key}`) on the AWS edge, stored on
 * disk (object-store.ts), with SigV4 and IAM on every object operation (auth.ts,
 * object-api.ts), browser uploads with POST policies (post-object.ts), the buckets'
 * CORS rules (cors.ts) and ObjectCreated notifications to Lambda (notifications.ts).
 * Every refusal is S3's XML error; none escapes a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { api } from '../../../api/http-api';
import type { BucketCorsRule, ObjectCreatedNotification } from '../../../api/photo-bucket';
import type { CredentialStore } from '../credentials';
import type { RolePolicies } from '../role-policies';
import { ServiceAuthorizer } from '../service-auth';
import { header } from '../sigv4-claim';
import { S3_MAX_SKEW_MS, S3Auth } from './auth';
import { corsFor, preflight, type Headers } from './cors';
import { errorDocument, hostId, noSuchBucket, requestId, S3Error } from './errors';
import { bucketOperation } from './bucket-api';
import { objectOperation } from './object-api';
import { ObjectStore, type ObjectRecord } from './object-store';
import { drain } from './post-form';
import { postObject } from './post-object';
import {
  matching,
  objectCreatedEvent,
  type NotifyFunction,
  type ObjectCreatedEventName,
} from './notifications';

export interface BucketConfig {
  name: string;
  cors?: readonly BucketCorsRule[];
  notifications?: readonly ObjectCreatedNotification[];
}

export interface LocalS3Options {
  /** Where the buckets live on disk (`.local-cloud/s3`). */
  root: string;
  buckets: readonly BucketConfig[];
  region: string;
  account: string;
  /** The local STS's store: role credentials are accepted with their role's policy. */
  credentials?: CredentialStore;
  policies: RolePolicies;
  /** Lambda's asynchronous Invoke, for the buckets' notifications. */
  notify?: NotifyFunction;
  /** The most a browser upload's body may hold locally; default 20 MiB. */
  maxPostBodyBytes?: number;
  /** The real clock: callers are server-side processes and browsers, as for DynamoDB. */
  now?: () => number;
  log?: (line: string) => void;
}

/** Twice the app's largest photo: the local cap on a POST body (S3's is 5 GB). */
export const DEFAULT_MAX_POST_BODY_BYTES = 20 * 1024 * 1024;

/** The query parameters of an object operation that select nothing else. */
const plainParameter = /^(x-id|x-amz-[a-z0-9-]+)$/i;

export class LocalS3 {
  readonly store: ObjectStore;
  readonly #options: LocalS3Options;
  readonly #auth: S3Auth;
  readonly #buckets: ReadonlyMap<string, BucketConfig>;

  constructor(options: LocalS3Options) {
    this.#options = options;
    this.#buckets = new Map(options.buckets.map((b) => [b.name, b]));
    this.store = new ObjectStore(options.root, [...this.#buckets.keys()]);
    this.#auth = new S3Auth(
      new ServiceAuthorizer({
        service: 's3',
        region: options.region,
        account: options.account,
        credentials: options.credentials,
        policies: options.policies,
        now: options.now,
        dialect: 's3',
        maxSkewMs: S3_MAX_SKEW_MS,
      }),
    );
  }

  open(): Promise<void> {
    return this.store.open();
  }

  /**
   * Whether a request on the edge is S3's: below one of its buckets, or, outside the
   * API's stage and STS's `/`, signed for the `s3` service (then NoSuchBucket).
   */
  claims(path: string, req: IncomingMessage, query: string): boolean {
    const first = path.split('/')[1] ?? '';
    if (this.#buckets.has(safeDecode(first))) return true;
    if (path === '/' || first === api.stage) return false;
    const authorization = header(req.headersDistinct, 'authorization') ?? '';
    return (
      authorization.includes('/s3/aws4_request') || /X-Amz-Credential=[^&]*%2Fs3%2F/i.test(query)
    );
  }

  /** Answers one request; resolves with its log line. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const id = requestId();
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q + 1);
    const slash = path.indexOf('/', 1);
    const bucket = safeDecode(path.slice(1, slash < 0 ? undefined : slash));
    const rawKey = slash < 0 ? '' : path.slice(slash + 1);
    const config = this.#buckets.get(bucket);
    let cors: Headers = {};
    try {
      if (!config) throw noSuchBucket(bucket);
      if (method === 'OPTIONS') {
        const headers = preflight(
          config.cors ?? [],
          req.headers.origin,
          header(req.headersDistinct, 'access-control-request-method'),
          header(req.headersDistinct, 'access-control-request-headers'),
        );
        this.#send(res, id, 200, headers);
        return `200 S3 preflight ${bucket}`;
      }
      cors = corsFor(config.cors ?? [], req.headers.origin, method);
      const key = decodeKey(rawKey);
      if (key === '' && method === 'POST' && query === '') {
        return await this.#postObject(req, res, id, bucket, cors);
      }
      const unsupported = (key === '' ? '' : query)
        .split('&')
        .filter((p) => p && !plainParameter.test(p.split('=')[0]!));
      if (unsupported.length) {
        throw new S3Error(
          'NotImplemented',
          501,
          'A header you provided implies functionality that is not implemented',
          {},
          `?${unsupported.join('&')}`,
        );
      }
      const caller = await this.#auth.authenticate({
        method,
        path,
        query,
        headers: req.headersDistinct,
        body: new Uint8Array(),
      });
      if (
        !query.includes('X-Amz-Signature') &&
        header(req.headersDistinct, 'x-amz-content-sha256') === undefined
      ) {
        throw new S3Error(
          'InvalidRequest',
          400,
          'Missing required header for this request: x-amz-content-sha256',
        );
      }
      const answer =
        key === ''
          ? await bucketOperation(this.store, this.#auth, {
              method,
              bucket,
              query: new URLSearchParams(query),
              req,
              caller,
            })
          : await objectOperation(this.store, this.#auth, { method, bucket, key, req, caller });
      this.#send(res, id, answer.statusCode, { ...cors, ...answer.headers }, answer.body);
      if (answer.created) {
        this.#created(bucket, answer.created, 'ObjectCreated:Put', caller.arn, req, id);
      }
      return `${answer.statusCode} S3 ${answer.operation} ${bucket}/${key}`;
    } catch (error) {
      return this.#refuse(req, res, id, error, cors, method === 'HEAD');
    }
  }

  /** A POST on a bucket with no sub-resource: a browser upload, authorized by its form. */
  async #postObject(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    bucket: string,
    cors: Headers,
  ): Promise<string> {
    const host = req.headers.host ?? 'localhost';
    const result = await postObject(
      {
        store: this.store,
        auth: this.#auth,
        region: this.#options.region,
        now: (this.#options.now ?? Date.now)(),
        maxBodyBytes: this.#options.maxPostBodyBytes ?? DEFAULT_MAX_POST_BODY_BYTES,
      },
      bucket,
      req,
      (key) => `http://${host}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`,
    );
    this.#send(res, id, result.statusCode, { ...cors, ...result.headers }, result.body);
    this.#created(bucket, result.record, 'ObjectCreated:Post', result.caller.arn, req, id);
    return `${result.statusCode} S3 PostObject ${bucket}/${result.record.key}`;
  }

  /** Hands the new object's event to each matching notification's function, without waiting. */
  #created(
    bucket: string,
    record: ObjectRecord,
    eventName: ObjectCreatedEventName,
    principalId: string,
    req: IncomingMessage,
    id: string,
  ): void {
    const { notify, region, log } = this.#options;
    for (const notification of matching(
      this.#buckets.get(bucket)?.notifications ?? [],
      record.key,
    )) {
      const event = objectCreatedEvent(notification, {
        bucket,
        record,
        eventName,
        region,
        principalId,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        requestId: id,
        hostId: hostId(id),
      });
      if (!notify) {
        log?.(
          `S3 ${eventName} ${bucket}/${record.key}: no function to invoke (${notification.functionName})`,
        );
        continue;
      }
      notify(notification.functionName, event).then(
        () => log?.(`S3 ${eventName} ${bucket}/${record.key} -> ${notification.functionName} done`),
        (error: unknown) =>
          log?.(
            `S3 ${eventName} ${bucket}/${record.key} -> ${notification.functionName} failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    }
  }

  async #refuse(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    error: unknown,
    cors: Headers,
    head: boolean,
  ): Promise<string> {
    const s3Error =
      error instanceof S3Error
        ? error
        : new S3Error(
            'InternalError',
            500,
            'We encountered an internal error. Please try again.',
            {},
            error instanceof Error ? error.message : String(error),
          );
    await drain(req);
    if (res.headersSent) {
      res.destroy();
    } else {
      const body = head ? undefined : errorDocument(s3Error, id);
      this.#send(
        res,
        id,
        s3Error.statusCode,
        { ...cors, ...(body ? { 'Content-Type': 'application/xml' } : {}) },
        body,
      );
    }
    return `${s3Error.statusCode} S3 refused: ${s3Error.code} (${s3Error.reason})`;
  }

  #send(
    res: ServerResponse,
    id: string,
    statusCode: number,
    headers: Record<string, string>,
    body?: string | Readable,
  ): void {
    const all: Record<string, string> = {
      'x-amz-request-id': id,
      'x-amz-id-2': hostId(id),
      Server: 'AmazonS3',
      ...headers,
    };
    if (typeof body === 'string' || body === undefined) {
      if (!('Content-Length' in all)) all['Content-Length'] = String(Buffer.byteLength(body ?? ''));
      res.writeHead(statusCode, all);
      res.end(body);
      return;
    }
    res.writeHead(statusCode, all);
    body.on('error', () => res.destroy());
    body.pipe(res);
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The key of a path-style URL: the rest of the path, percent-decoded once. */
function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI', 400, "Couldn't parse the specified URI.", { URI: raw });
  }
}
