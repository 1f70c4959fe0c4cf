/**
 * The CDK app. `npm run synth` runs it directly (offline, the example tenant unless
 * one is given); `npm run deploy` runs it through the CDK CLI, which sets CDK_OUTDIR.
 * Both run cdk-nag's AWS Solutions checks (lib/checks.ts).
 */
import { App } from 'aws-cdk-lib';
import { addPetsStack, parametersOf } from '../lib/app';
import { addChecks } from '../lib/checks';

const app = new App({ outdir: process.env['CDK_OUTDIR'] ?? 'cdk.out' });
addPetsStack(app, parametersOf(app));
addChecks(app);
export const assembly = app.synth();
