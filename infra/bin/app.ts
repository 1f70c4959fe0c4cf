/**
 * The CDK app. `npm run synth` runs it directly (offline, the example tenant unless
 * one is given); `npm run deploy` runs it through the CDK CLI, which sets CDK_OUTDIR.
 */
import { App } from 'aws-cdk-lib';
import { addPetsStack, parametersOf } from '../lib/app';

const app = new App({ outdir: process.env['CDK_OUTDIR'] ?? 'cdk.out' });
addPetsStack(app, parametersOf(app));
app.synth();
