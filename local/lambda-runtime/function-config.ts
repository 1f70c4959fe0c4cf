/** Lambda's synchronous payload limit for an answer: 6 MiB plus the 100 bytes AWS allows. */
export const LAMBDA_MAX_RESPONSE_BYTES = 6_291_556;

/** One function as Lambda configures it, plus what the local service gives it. */
export interface FunctionConfig {
  name: string;
  /** The folder holding the bundle (LAMBDA_TASK_ROOT); index.mjs for 'index.handler'. */
  codeDir: string;
  handler?: string;
  /** The function's own variables, as in its configuration. */
  environment?: Record<string, string>;
  /**
   * What the local Lambda service adds, as AWS adds the execution role's credentials:
   * credentials, and the SDK's endpoint variables pointing at the local services.
   */
  runtimeEnvironment?: Record<string, string>;
  /**
   * The execution role's credentials, asked for at each environment's start: Lambda
   * hands a function its role's temporary credentials in AWS_ACCESS_KEY_ID,
   * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which the function cannot override.
   */
  credentials?: () => RoleCredentials;
  /**
   * An idle environment older than this is retired, as Lambda recycles environments
   * after some hours; set below the credentials' lifetime, so none outlives them.
   */
  maxEnvironmentAgeMs?: number;
  memoryMb: number;
  timeoutSeconds: number;
  region: string;
  account: string;
  /** The Node binary of the Lambdas' runtime major (node.ts). */
  node: string;
  /** Answers larger than this fail with Function.ResponseSizeTooLarge. */
  maxResponseBytes?: number;
  /** How many environments may run at once (reserved concurrency); more invocations wait. */
  maxEnvironments?: number;
  /** Every line the function writes (stdout and stderr), prefixed with its name. */
  log?: (line: string) => void;
}

/** Temporary credentials of an execution role. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}
