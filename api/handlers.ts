/**
 * The Lambda functions: what each one is, in one manifest that the CDK stack
 * (infra/) and the local cloud (local/) both build from. A new function is one
 * entry here plus its file under lambda/handlers/.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { idTokenMaxAgeSeconds } from './id-token';

/**
 * A Lambda handler behind a REST API proxy integration (payload v1). Lambda passes
 * its context (the function's request id, for the logs); the local cloud may not.
 */
export type LambdaHandler = (
  event: APIGatewayProxyEvent,
  context?: Context,
) => Promise<APIGatewayProxyResult>;

/** The environment variables the handlers read (lambda/config.ts), by what they configure. */
export const lambdaEnv = {
  /** The DynamoDB table of pets. */
  table: 'PETS_TABLE',
  /** The ID token's issuer (`iss`), exactly, trailing slash included. */
  tokenIssuer: 'TOKEN_ISSUER',
  /** The ID token's audience: the Auth0 application's client id. */
  tokenAudience: 'TOKEN_AUDIENCE',
  /** The issuer's JWKS. */
  jwksUrl: 'JWKS_URL',
  /** The oldest ID token (seconds since its `iat`) that may stand for a buyer. */
  maxTokenAgeSeconds: 'MAX_TOKEN_AGE_SECONDS',
  /**
   * Optional: the Secrets Manager secret (name or ARN) holding the base64 HS256
   * secret of a legacy Auth0 client. Only its name is in the environment: the value
   * is read at run time, so it never shows in the function's configuration.
   */
  legacySecretId: 'LEGACY_HS256_SECRET_ID',
  /** Optional: the key inside that secret, when it holds a JSON object. */
  legacySecretJsonField: 'LEGACY_HS256_SECRET_JSON_FIELD',
  /** The Secrets Manager secret (name or ARN) whose value signs paging cursors. */
  cursorSecretId: 'CURSOR_SECRET_ID',
  /** Optional tuning: how old the other pets in a purchase answer may be. */
  snapshotTtlMs: 'PURCHASE_SNAPSHOT_TTL_MS',
  /** Optional: `short` for the local cloud's one-line logs (lambda/observability.ts). */
  logFormat: 'PETS_LOG_FORMAT',
  /** The photos bucket: uploads and the web images (api/photos.ts). */
  photosBucket: 'PHOTOS_BUCKET',
} as const;

/**
 * What the Lambdas' logs and metrics are filed under (Powertools' Logger and Metrics,
 * lambda/observability.ts): the `service` of every log line and metric, the CloudWatch
 * namespace of the metrics, and the lowest level logged unless a deployer changes it.
 */
export const observability = {
  serviceName: 'secure-pets',
  metricsNamespace: 'SecurePets',
  logLevel: 'INFO',
} as const;

/** Powertools' own variables for those settings, in every function's environment. */
export const observabilityEnvironment: Readonly<Record<string, string>> = {
  POWERTOOLS_SERVICE_NAME: observability.serviceName,
  POWERTOOLS_METRICS_NAMESPACE: observability.metricsNamespace,
  LOG_LEVEL: observability.logLevel,
};

/**
 * What the local cloud adds to the Lambdas' environment: short log lines in its
 * terminal, and no EMF metric documents, which only CloudWatch reads.
 */
export const localObservabilityEnvironment: Readonly<Record<string, string>> = {
  [lambdaEnv.logFormat]: 'short',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/**
 * Groups of settings a function may need: the table, the identity provider (to
 * verify ID tokens), the cursor key (to sign and check paging cursors), the photos
 * bucket.
 */
export type EnvironmentNeed = 'table' | 'identity' | 'cursorKey' | 'photos';

/** S3 actions on the photos bucket, by key prefix (api/photos.ts): its role gets these only. */
export interface PhotoActions {
  /** On `uploads/*`. Signing an upload form needs s3:PutObject: S3 checks the signer's. */
  uploads?: readonly string[];
  /** On `photos/*`. */
  photos?: readonly string[];
}

export interface HandlerSpec {
  /** The module, from the repository root, that exports `handler`. */
  entry: string;
  needs: readonly EnvironmentNeed[];
  /** The DynamoDB actions its code performs on the table: its role gets these only. */
  tableActions: readonly string[];
  timeoutSeconds: number;
  memoryMb: number;
  photoActions?: PhotoActions;
  /**
   * Native packages left out of the bundle and installed beside it for the function's
   * platform (infra/lib/native-modules.ts): esbuild cannot bundle a .node binary.
   */
  nativeModules?: readonly string[];
  /** What invokes it besides an API route: the photos bucket's ObjectCreated events on `uploads/`. */
  trigger?: 'photoUploads';
}

// Reads go through the table's indexes (api/pet-table.ts), so Query, never Scan.
export const handlers = {
  getPets: {
    entry: 'lambda/handlers/get-pets.ts',
    needs: ['table', 'cursorKey'],
    tableActions: ['dynamodb:Query'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // GET /pets/{id}: one pet's public form, by its key (one GetItem).
  getPetById: {
    entry: 'lambda/handlers/get-pet-by-id.ts',
    needs: ['table'],
    tableActions: ['dynamodb:GetItem'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // The tutorial's whole-list write, for catalogues of up to one page.
  updatePets: {
    entry: 'lambda/handlers/update-pets.ts',
    needs: ['table', 'photos'],
    tableActions: [
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ],
    // A removed pet's photos go with it.
    photoActions: { photos: ['s3:DeleteObject'] },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  putPet: {
    entry: 'lambda/handlers/put-pet.ts',
    needs: ['table'],
    tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  deletePet: {
    entry: 'lambda/handlers/delete-pet.ts',
    needs: ['table', 'photos'],
    tableActions: ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
    photoActions: { photos: ['s3:DeleteObject'] },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // A purchase is an UpdateItem, then a GetItem only when it fails; the answer's list
  // is the first page of the catalogue (a Query), while the store fits one page.
  purchasePet: {
    entry: 'lambda/handlers/purchase-pet.ts',
    needs: ['table', 'identity'],
    tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // GET /pets/sales (admin): sold pets with their buyers, paged like GET /pets.
  listSales: {
    entry: 'lambda/handlers/list-sales.ts',
    needs: ['table', 'cursorKey'],
    tableActions: ['dynamodb:Query'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // POST /pets/mine (buyer): the pets sold to the verified ID token's email.
  listMine: {
    entry: 'lambda/handlers/list-mine.ts',
    needs: ['table', 'identity'],
    tableActions: ['dynamodb:Query'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // POST /pets/{id}/photo (admin): an upload form for S3, signed with this role's keys.
  photoUpload: {
    entry: 'lambda/handlers/photo-upload.ts',
    needs: ['table', 'photos'],
    tableActions: ['dynamodb:GetItem'],
    photoActions: { uploads: ['s3:PutObject'] },
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // GET /pets/{id}/photo (admin): the photo and why the latest upload was refused, if it was.
  photoState: {
    entry: 'lambda/handlers/photo-state.ts',
    needs: ['table'],
    tableActions: ['dynamodb:GetItem'],
    timeoutSeconds: 10,
    memoryMb: 512,
  },
  // The photos bucket's uploads: the web images, the pet's photo, the upload deleted.
  // 1024 MB: a 40-megapixel decode is ~160 MB of pixels, and Lambda's CPU grows with memory.
  processPhoto: {
    entry: 'lambda/handlers/process-photo.ts',
    needs: ['table', 'photos'],
    tableActions: ['dynamodb:UpdateItem'],
    photoActions: {
      uploads: ['s3:DeleteObject', 's3:GetObject'],
      photos: ['s3:DeleteObject', 's3:PutObject'],
    },
    timeoutSeconds: 25,
    memoryMb: 1024,
    nativeModules: ['sharp'],
    trigger: 'photoUploads',
  },
} as const satisfies Record<string, HandlerSpec>;

export type HandlerName = keyof typeof handlers;
export const handlerNames = Object.keys(handlers) as HandlerName[];

/** The values a deployment (or the local cloud) fills the variables with. */
export interface EnvironmentValues {
  tableName: string;
  /** The secret that holds the cursor key (in AWS its ARN). */
  cursorSecretId: string;
  identity: {
    issuer: string;
    audience: string;
    jwksUrl: string;
    /** Default {@link idTokenMaxAgeSeconds}. */
    maxTokenAgeSeconds?: number;
    /** The legacy HS256 secret's name or ARN (never its value), if any. */
    legacySecretId?: string;
    legacySecretJsonField?: string;
  };
  /** The photos bucket (the local S3's endpoint is the SDK's AWS_ENDPOINT_URL_S3). */
  photos?: { bucket: string };
}

/** The environment of one function: exactly the variables it needs. */
export function lambdaEnvironment(
  name: HandlerName,
  values: EnvironmentValues,
): Record<string, string> {
  const spec: HandlerSpec = handlers[name];
  const env: Record<string, string> = {
    [lambdaEnv.table]: values.tableName,
    ...observabilityEnvironment,
  };
  if (spec.needs.includes('cursorKey')) env[lambdaEnv.cursorSecretId] = values.cursorSecretId;
  if (spec.needs.includes('photos') && values.photos) {
    env[lambdaEnv.photosBucket] = values.photos.bucket;
  }
  if (spec.needs.includes('identity')) {
    const { issuer, audience, jwksUrl, legacySecretId, legacySecretJsonField } = values.identity;
    env[lambdaEnv.tokenIssuer] = issuer;
    env[lambdaEnv.tokenAudience] = audience;
    env[lambdaEnv.jwksUrl] = jwksUrl;
    env[lambdaEnv.maxTokenAgeSeconds] = String(
      values.identity.maxTokenAgeSeconds ?? idTokenMaxAgeSeconds,
    );
    if (legacySecretId) {
      env[lambdaEnv.legacySecretId] = legacySecretId;
      if (legacySecretJsonField) env[lambdaEnv.legacySecretJsonField] = legacySecretJsonField;
    }
  }
  return env;
}
