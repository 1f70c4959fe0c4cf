export {};
/**
 * npm run synth: the template without an AWS account, credentials or network. With no
 * tenant given (AUTH0_DOMAIN, AUTH0_CLIENT_ID) it uses the example tenant.
 */
process.env['PETS_EXAMPLE'] ??= '1';
process.env['CDK_DISABLE_VERSION_CHECK'] ??= '1';
const { stackName } = await import('../lib/parameters');
await import('./app');
const { api } = await import('../../api/http-api');
console.log(`Wrote cdk.out/${stackName(process.env['PETS_STAGE'] ?? api.stage)}.template.json`);
