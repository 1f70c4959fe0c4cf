import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/**
 * The shape of api/pet-table.ts's `tableSchema`, structurally: the slice of the SDK's
 * CreateTableCommandInput the CDK table needs. Declared here rather than imported so
 * the infra package does not depend on @aws-sdk/client-dynamodb.
 */
export interface TableSchema {
  KeySchema?: readonly { AttributeName?: string; KeyType?: string }[];
  AttributeDefinitions?: readonly { AttributeName?: string; AttributeType?: string }[];
  GlobalSecondaryIndexes?: readonly {
    IndexName?: string;
    KeySchema?: readonly { AttributeName?: string; KeyType?: string }[];
    Projection?: { ProjectionType?: string; NonKeyAttributes?: readonly string[] };
  }[];
}

export class TableSchemaError extends Error {
  override readonly name = 'TableSchemaError';
}

/**
 * The pets table, built from the same schema the local DynamoDB creates it with.
 * On-demand billing (traffic is spiky and small), point-in-time recovery (sales are
 * records worth restoring), and RETAIN unless the deployer opts out: `cdk destroy`
 * must not take the catalogue and its sales with it by accident.
 */
export function petsTable(
  scope: Construct,
  schema: TableSchema,
  options: { retainData: boolean },
): dynamodb.Table {
  const keys = keyPair(schema, schema.KeySchema, 'table');
  const table = new dynamodb.Table(scope, 'PetsTable', {
    ...keys,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    removalPolicy: options.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  // The indexes, in the schema's order. A new table is created with all of them at
  // once, but CloudFormation cannot add (or remove) more than one index of an existing
  // table per update: a schema change of several indexes ships over several deploys.
  // INCLUDE keeps the schema's NonKeyAttributes; DynamoDB projects an index's keys
  // (and the table's) anyway, so api/pet-table.ts leaves them out of that list.
  for (const index of schema.GlobalSecondaryIndexes ?? []) {
    if (!index.IndexName) throw new TableSchemaError('A global secondary index has no IndexName');
    const projection = index.Projection?.ProjectionType ?? 'ALL';
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      ...keyPair(schema, index.KeySchema, index.IndexName),
      projectionType: projection as dynamodb.ProjectionType,
      nonKeyAttributes:
        projection === 'INCLUDE' ? [...(index.Projection?.NonKeyAttributes ?? [])] : undefined,
    });
  }
  return table;
}

function keyPair(
  schema: TableSchema,
  keySchema: TableSchema['KeySchema'],
  what: string,
): { partitionKey: dynamodb.Attribute; sortKey?: dynamodb.Attribute } {
  const attribute = (keyType: string): dynamodb.Attribute | undefined => {
    const name = keySchema?.find((k) => k.KeyType === keyType)?.AttributeName;
    if (name === undefined) return undefined;
    const type = schema.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    if (type !== 'S' && type !== 'N' && type !== 'B') {
      throw new TableSchemaError(
        `Key ${name} of the ${what} has no S, N or B attribute definition`,
      );
    }
    return { name, type: type as dynamodb.AttributeType };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new TableSchemaError(`The ${what} has no HASH key`);
  return { partitionKey, sortKey: attribute('RANGE') };
}
