/*
 * us-east-1 list prices the crowd bench's cost model uses, read on 2026-12-03 from:
 *   https://aws.amazon.com/lambda/pricing/
 *   https://aws.amazon.com/api-gateway/pricing/
 *   https://aws.amazon.com/dynamodb/pricing/on-demand/ (the November 2024 on-demand prices)
 *   https://aws.amazon.com/cloudfront/pricing/
 * The first pricing tier of each (the cheapest volume discounts are left out), and no
 * free tier. Change them here, and the date with them.
 */
export const prices = {
  readOn: '2026-12-03',
  lambda: {
    perMillionRequests: 0.2,
    /** The stack's functions are arm64 (infra/lib/functions.ts); x86 is $0.0000166667. */
    perGbSecondArm64: 0.0000133334,
  },
  /** REST API, the first 333 million requests a month. */
  apiGatewayRestPerMillion: 3.5,
  dynamodbOnDemand: {
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
  },
  cloudfront: {
    /** HTTPS requests, United States. */
    perTenThousandHttps: 0.01,
    /** Data transfer out to the internet, United States, the first 10 TB a month. */
    perGbOut: 0.085,
  },
} as const;

/*
 * The limits the model compares the load with. Per partition:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html
 * Per table, on demand, applying to the table and to each GSI:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 * API Gateway's account throttle, per Region:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
 */
export const limits = {
  partitionWriteUnits: 1000,
  partitionReadUnits: 3000,
  tableWriteUnits: 40_000,
  tableReadUnits: 40_000,
  apiGatewayAccountRps: 10_000,
} as const;
