// The cdk-nag AwsSolutions findings the API raises that its design answers, each with
// the reason it is accepted.
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { NagSuppressions } from 'cdk-nag';

export function suppressApiFindings(restApi: apigateway.RestApi, cloudWatchRole: boolean): void {
  NagSuppressions.addResourceSuppressions(restApi, [
    {
      id: 'AwsSolutions-APIG2',
      reason:
        'The Lambdas validate every body, path parameter and query (lambda/http/request-parsing.ts, ' +
        'lambda/http/cursor.ts) and answer `{ message }` with the reason the app shows; a gateway ' +
        "validator would answer its own `Invalid request body` first, which the local gateway's " +
        'contract (api/http-api.ts) does not have, so the two tiers would disagree.',
    },
  ]);
  NagSuppressions.addResourceSuppressions(restApi.deploymentStage, [
    {
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL: a regional WAFv2 ACL costs about $5 a month plus rules and requests, ' +
        "more than this shop's API; the stage is throttled (throttleRateLimit, throttleBurstLimit), " +
        'every write needs SigV4 from an Auth0-federated role, and the public GET is read-only and paged.',
    },
  ]);
  if (cloudWatchRole) {
    NagSuppressions.addResourceSuppressions(restApi.node.findChild('CloudWatchRole'), [
      {
        id: 'AwsSolutions-IAM4',
        reason:
          "API Gateway's account-level CloudWatch role uses the AWS managed policy API Gateway " +
          'documents for it: it writes the execution and access logs of every API in the account ' +
          'and region, whose log groups this stack cannot name.',
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        ],
      },
    ]);
  }
}

/**
 * The findings every method raises that the API's design answers: no Cognito user
 * pool (COG4) anywhere, and no authorization (APIG4) on the methods the definition
 * leaves open, the public GETs and every preflight.
 */
export function suppressMethodFindings(
  method: apigateway.Method,
  verb: string,
  path: string,
  open: boolean,
): void {
  const reasons = [
    {
      id: 'AwsSolutions-COG4',
      reason:
        'No Cognito: the signed methods are AWS_IAM (SigV4) with credentials from STS ' +
        'AssumeRoleWithWebIdentity on Auth0 ID tokens, which IAM checks against the roles’ ' +
        'trust policies; the open ones are open by design (api/http-api.ts).',
    },
  ];
  if (open) {
    reasons.push({
      id: 'AwsSolutions-APIG4',
      reason:
        verb === 'OPTIONS'
          ? `CORS preflight for ${path}: browsers send OPTIONS without credentials, so it ` +
            'cannot require SigV4; a mock integration answers the CORS headers only.'
          : `${verb} ${path} is public by design (api/http-api.ts: auth NONE): the catalogue ` +
            'and every pet page are shown before sign-in. It is read-only and throttled, and its ' +
            'Lambda may only read the table (Query for a page, GetItem for one pet).',
    });
  }
  NagSuppressions.addResourceSuppressions(method, reasons);
}
