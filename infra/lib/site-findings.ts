// The cdk-nag AwsSolutions findings the site raises that its design answers, each with
// the reason it is accepted.
import type * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';

export function suppressSiteFindings(
  bucket: s3.Bucket,
  distribution: cloudfront.Distribution,
  options: { customCertificate: boolean },
): void {
  NagSuppressions.addResourceSuppressions(bucket, [
    {
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds only the public build, read by CloudFront alone (origin access ' +
        'control) and written by `npm run publish`, which CloudTrail records; per-object ' +
        'access logs would log CloudFront fetching public files. Data access goes through ' +
        'the API, whose access log names every caller.',
    },
  ]);
  NagSuppressions.addResourceSuppressions(distribution, [
    {
      id: 'AwsSolutions-CFR1',
      reason:
        'The shop sells to any country and has no per-country obligation; the site is a ' +
        'static app whose data comes from the API. Add geoRestriction when one appears.',
    },
    {
      id: 'AwsSolutions-CFR2',
      reason:
        'No web ACL: the distribution serves only static, public build files (GET/HEAD) from ' +
        'a private bucket, and CloudFront absorbs volumetric attacks (Shield Standard); a ' +
        'CLOUDFRONT-scope WAFv2 ACL costs more than the site.',
    },
    {
      id: 'AwsSolutions-CFR3',
      reason:
        'Standard logs would record downloads of public, static files, and need a log bucket ' +
        'with ACLs enabled; CloudFront’s default request and error-rate metrics cover the ' +
        'site, and the API, where the data is, has JSON access logs.',
    },
  ]);
  // With a custom domain and its certificate the distribution sets TLSv1.2_2021, and
  // the rule passes on its own.
  if (options.customCertificate) return;
  NagSuppressions.addResourceSuppressions(distribution, [
    {
      id: 'AwsSolutions-CFR4',
      reason:
        "The distribution uses CloudFront's default *.cloudfront.net certificate, for which " +
        'CloudFront fixes the security policy at TLSv1 whatever the template says. Enforcing ' +
        'TLSv1.2_2021 needs a custom domain and an ACM certificate in us-east-1 (-c siteDomain, ' +
        '-c siteCertificateArn); browsers negotiate TLS 1.2/1.3 anyway.',
    },
  ]);
}
