import { handlerNames, handlers, type HandlerName, type LambdaHandler } from '../api/handlers';

const repoRoot = new URL('../', import.meta.url);

/**
 * A Lambda's handler, loaded into this process from the entry file the manifest
 * (api/handlers.ts) names, so the tests call the modules the stack bundles. Their
 * Logger and Metrics are made at import and their configuration is read once, as in
 * a Lambda container: set the environment (startBackend) before loading them.
 */
export async function loadHandler(name: HandlerName): Promise<LambdaHandler> {
  const { entry } = handlers[name];
  const module = (await import(new URL(entry, repoRoot).href)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
  return module.handler as LambdaHandler;
}

/** Every handler of the manifest, by name. */
export async function loadHandlers(): Promise<Record<HandlerName, LambdaHandler>> {
  const loaded = await Promise.all(
    handlerNames.map(async (n) => [n, await loadHandler(n)] as const),
  );
  return Object.fromEntries(loaded) as Record<HandlerName, LambdaHandler>;
}
