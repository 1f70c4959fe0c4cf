/**
 * What a DynamoDB call asks IAM for: one action and resource per table (or index) it
 * touches, as DynamoDB authorizes them. A batch checks its action on each table; a
 * transaction checks each item's own action; a call that names no table (ListTables,
 * PartiQL) is checked on `*`, which only a wildcard policy allows.
 */

export interface AccessRequest {
  action: string;
  resource: string;
}

// The operation of each TransactWriteItems / TransactGetItems entry, and its IAM action.
const transactActions: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  Get: 'dynamodb:GetItem',
};

type Body = Record<string, unknown>;
const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The checks for `operation` (the part of X-Amz-Target after the dot) with `body`, the
 * request's JSON; `tableArn(name)` names a table's ARN.
 */
export function accessRequests(
  operation: string,
  body: unknown,
  tableArn: (name: string) => string,
): AccessRequest[] {
  const action = `dynamodb:${operation}`;
  const everything = [{ action, resource: '*' }];
  if (!isObject(body)) return everything;
  const tableName = body['TableName'];
  if (typeof tableName === 'string') {
    const indexName = body['IndexName'];
    const resource =
      typeof indexName === 'string'
        ? `${tableArn(tableName)}/index/${indexName}`
        : tableArn(tableName);
    return [{ action, resource }];
  }
  const requestItems = body['RequestItems'];
  if (isObject(requestItems)) {
    const tables = Object.keys(requestItems);
    return tables.length
      ? tables.map((name) => ({ action, resource: tableArn(name) }))
      : everything;
  }
  const transactItems = body['TransactItems'];
  if (Array.isArray(transactItems) && transactItems.length) {
    return transactItems.map((item: unknown) => {
      const [kind, inner] = isObject(item) ? (Object.entries(item)[0] ?? []) : [];
      const name = isObject(inner) ? inner['TableName'] : undefined;
      return {
        action: transactActions[String(kind)] ?? action,
        resource: typeof name === 'string' ? tableArn(name) : '*',
      };
    });
  }
  return everything;
}
