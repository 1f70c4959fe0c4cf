import { Duration } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';
import type { AppConfig } from '../../api/app-config';
import {
  contentSecurityPolicy,
  permissionsPolicy,
  referrerPolicy,
  strictTransportSecurity,
} from '../../api/csp';

/**
 * The same Content-Security-Policy and page headers as the local site (api/csp.ts),
 * plus HSTS, which only means something over https. The policy is built from the
 * config.json the site will serve.
 */
export function securityHeaders(
  scope: Construct,
  config: AppConfig,
): cloudfront.ResponseHeadersPolicy {
  return new cloudfront.ResponseHeadersPolicy(scope, 'SecurityHeaders', {
    comment: 'Secure Pets: Content-Security-Policy and security headers',
    securityHeadersBehavior: {
      contentSecurityPolicy: {
        contentSecurityPolicy: contentSecurityPolicy(config),
        override: true,
      },
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      referrerPolicy: {
        // The enum's values are the header's values.
        referrerPolicy: referrerPolicy as cloudfront.HeadersReferrerPolicy,
        override: true,
      },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(strictTransportSecurity.maxAgeSeconds),
        includeSubdomains: strictTransportSecurity.includeSubdomains,
        override: true,
      },
    },
    customHeadersBehavior: {
      customHeaders: [{ header: 'Permissions-Policy', value: permissionsPolicy, override: true }],
    },
  });
}
