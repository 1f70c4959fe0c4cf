import { Aspects, type App, type Stage } from 'aws-cdk-lib';
import type * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * cdk-nag's AWS Solutions rules on every stack of the app. An unsuppressed finding is
 * an error or warning annotation: `cdk synth`/`deploy` stop on errors, and
 * `npm run synth` (bin/synth.ts) and the tests fail on either. Every suppression sits
 * next to the resource it is about, with its reason (the `cdk_nag` metadata in the
 * template, and cdk.out/AwsSolutions-*-NagReport.csv).
 */
export function addChecks(app: App | Stage): void {
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
}

export interface Finding {
  level: 'error' | 'warning';
  /** Construct path of the resource, e.g. /SecurePets-test/Site/Distribution/Resource. */
  path: string;
  /** `AwsSolutions-XXX[finding]: explanation`. */
  message: string;
}

/** The unsuppressed cdk-nag findings of a synthesized assembly. */
export function nagFindings(assembly: cxapi.CloudAssembly): Finding[] {
  return assembly.stacks.flatMap((stack) =>
    stack.messages
      .filter((m) => m.level !== 'info' && String(m.entry.data).startsWith('AwsSolutions-'))
      .map((m) => ({
        level: m.level as 'error' | 'warning',
        path: m.id,
        message: String(m.entry.data).split('\n')[0] ?? '',
      })),
  );
}
