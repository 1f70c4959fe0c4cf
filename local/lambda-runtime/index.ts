/**
 * The local cloud's Lambda service: each function of the manifest (api/handlers.ts)
 * built into its deploy bundle (bundle.ts, api/bundling.ts) and run in Node 24
 * processes of its own (lambda-function.ts) with its manifest environment, memory and
 * timeout. `invoke` is the gateway's seam (local/aws/invoke.ts).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  handlerNames,
  handlers,
  lambdaEnvironment,
  type EnvironmentValues,
  type HandlerName,
} from '../../api/handlers';
import { api } from '../../api/http-api';
import type { Invoke, InvokeResult } from '../aws/invoke';
import { bundleFunctions } from './bundle';
import { LambdaFunction, type RoleCredentials } from './lambda-function';
import { lambdaNodeBinary } from './node';

export { LambdaFunction, LAMBDA_MAX_RESPONSE_BYTES } from './lambda-function';
export type { FunctionConfig, FunctionResult } from './lambda-function';
export { bundleFunctions } from './bundle';

export interface LambdaServiceOptions {
  region: string;
  account: string;
  /** What the manifest's variables are filled with (lambdaEnvironment). */
  values: EnvironmentValues;
  /**
   * Added to every function's environment: the SDK's endpoint variables for the
   * local services (and, in tests without a credential store, fixed keys).
   */
  runtimeEnvironment: Record<string, string>;
  /**
   * Each function's execution-role credentials, asked for at each environment's start
   * (local/aws/function-credentials.ts), and how old an environment may grow before it
   * is retired, under the credentials' lifetime.
   */
  roles?: {
    credentials: (name: HandlerName) => RoleCredentials;
    maxEnvironmentAgeMs: number;
  };
  /** Lambda's payload limit both ways; default the API definition's (api.limits). */
  maxPayloadBytes?: number;
  log?: (line: string) => void;
}

export interface LambdaService {
  invoke: Invoke;
  /** Starts one environment per function in the background, so that first calls are warm. */
  warm(): Promise<void>;
  functions: Record<HandlerName, LambdaFunction>;
  close(): Promise<void>;
}

/**
 * The invocation outcome the gateway reads from a function's: the payload, or its
 * error document ({ errorType, errorMessage }) as a function error.
 */
export function invokeResultOf(payload: string, failed: boolean): InvokeResult {
  if (!failed) return { status: 'ok', payload };
  let doc: { errorType?: unknown; errorMessage?: unknown } = {};
  try {
    doc = JSON.parse(payload) as typeof doc;
  } catch {
    // A runtime that posted something else than an error document: keep its text.
  }
  return {
    status: 'function-error',
    errorType: typeof doc.errorType === 'string' ? doc.errorType : 'Unhandled',
    errorMessage: typeof doc.errorMessage === 'string' ? doc.errorMessage : payload,
  };
}

/** Lambda's Invoke on `fn` under the payload limit for the event, as the gateway sees it. */
export function processInvoker(
  functions: Record<HandlerName, LambdaFunction>,
  maxRequestBytes: number,
): Invoke {
  return async (name: HandlerName, event: APIGatewayProxyEvent) => {
    const eventBytes = Buffer.byteLength(JSON.stringify(event));
    if (eventBytes > maxRequestBytes) {
      return {
        status: 'request-too-large',
        errorMessage: `Request must be smaller than ${maxRequestBytes} bytes for the InvokeFunction operation`,
      };
    }
    const result = await functions[name].invoke(event);
    return invokeResultOf(result.payload, result.functionError !== undefined);
  };
}

/** Bundles every function and makes it invokable; no process starts before its first call. */
export async function startLambdaService(options: LambdaServiceOptions): Promise<LambdaService> {
  const log = options.log ?? (() => undefined);
  const node = lambdaNodeBinary();
  const bundles = await bundleFunctions(
    Object.fromEntries(handlerNames.map((name) => [name, handlers[name].entry])),
  );
  const maxPayloadBytes = options.maxPayloadBytes ?? api.limits.maxLambdaResponseBytes;
  const { roles } = options;
  const functions = Object.fromEntries(
    handlerNames.map((name) => [
      name,
      new LambdaFunction({
        name,
        codeDir: bundles.codeDir(name),
        environment: lambdaEnvironment(name, options.values),
        runtimeEnvironment: options.runtimeEnvironment,
        ...(roles
          ? {
              credentials: () => roles.credentials(name),
              maxEnvironmentAgeMs: roles.maxEnvironmentAgeMs,
            }
          : {}),
        memoryMb: handlers[name].memoryMb,
        timeoutSeconds: handlers[name].timeoutSeconds,
        region: options.region,
        account: options.account,
        node,
        maxResponseBytes: maxPayloadBytes,
        log,
      }),
    ]),
  ) as Record<HandlerName, LambdaFunction>;
  return {
    invoke: processInvoker(functions, maxPayloadBytes),
    functions,
    async warm() {
      const started = performance.now();
      // One at a time: start-up is over, but the machine may be busy with the first page.
      for (const name of handlerNames) {
        const initError = await functions[name].warm();
        if (initError) log(`${name}\tinit failed: ${initError}`);
      }
      log(`${handlerNames.length} functions warm (${Math.round(performance.now() - started)} ms)`);
    },
    async close() {
      await Promise.all(Object.values(functions).map((fn) => fn.close()));
      await bundles.remove();
    },
  };
}
