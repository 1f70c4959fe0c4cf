export {};
/**
 * npm run synth: the template without an AWS account, credentials or network. With no
 * tenant given (AUTH0_DOMAIN, AUTH0_CLIENT_ID) it uses the example tenant.
 */
process.env['PETS_EXAMPLE'] ??= '1';
process.env['CDK_DISABLE_VERSION_CHECK'] ??= '1';
const { assembly } = await import('./app');
const { nagFindings } = await import('../lib/checks');
for (const stack of assembly.stacks) console.log(`Wrote cdk.out/${stack.templateFile}`);
// The CDK CLI prints cdk-nag's findings itself; run by node, the app has to.
const findings = nagFindings(assembly);
for (const f of findings) console.error(`[${f.level}] ${f.path}\n  ${f.message}`);
console.log(`cdk-nag AwsSolutions: ${findings.length} unsuppressed finding(s)`);
if (findings.length > 0) process.exitCode = 1;
