/**
 * A small IAM policy evaluator, written by hand on purpose. The npm packages named
 * after IAM policies (iam-policies, policy, @ddt/iam) use their own syntax, not
 * AWS's JSON; the one that evaluates AWS's own grammar, @cloud-copilot/iam-simulate,
 * is pre-1.0 and pulls in the whole IAM service catalogue to simulate every
 * service. Our policies (api/policies.ts) use a handful of features, so this
 * implements exactly those, with AWS's documented semantics:
 *
 * - an explicit Deny beats any Allow, an Allow beats the implicit (default) deny;
 * - Action (case-insensitive) and Resource (case-sensitive) with `*` and `?`;
 *   a statement without Resource (a trust policy) applies to any resource;
 * - Principal, for trust policies: `{ Federated | AWS | Service: arn(s) }` or "*";
 * - Condition: StringEquals, StringNotEquals, StringLike, StringNotLike. Operators
 *   and keys in one block are ANDed, the values of one key are ORed; a key absent
 *   from the request fails the positive operators and satisfies the negated ones
 *   (AWS: "if the key is not present, the negated operator returns true"). Keys
 *   are case-insensitive, values case-sensitive. A multi-valued request key (a JWT
 *   `aud` array) matches when any of its values does.
 *
 * Anything else in a policy is refused with PolicyError rather than guessed at.
 */
import type { PolicyDocument, PolicyStatement } from '../../api/policies';

export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** For trust policies: who asks, e.g. `{ type: 'Federated', id: providerArn }`. */
  principal?: { type: string; id: string };
  /** Condition keys (any case) and their values. */
  context?: Record<string, string | readonly string[] | undefined>;
}

type Operator = (actual: readonly string[] | undefined, expected: readonly string[]) => boolean;

const patternCache = new Map<string, RegExp>();
function pattern(glob: string, caseInsensitive: boolean): RegExp {
  const cacheKey = `${caseInsensitive ? 'i' : 's'}${glob}`;
  let re = patternCache.get(cacheKey);
  if (!re) {
    const source = glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${source}$`, caseInsensitive ? 'is' : 's');
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(cacheKey, re);
  }
  return re;
}

/** IAM's wildcard match: `*` any run of characters (slashes too), `?` any one character. */
export function wildcardMatch(glob: string, value: string, caseInsensitive = false): boolean {
  if (!glob.includes('*') && !glob.includes('?')) {
    return caseInsensitive ? glob.toLowerCase() === value.toLowerCase() : glob === value;
  }
  return pattern(glob, caseInsensitive).test(value);
}

const anyOf = (actual: readonly string[], test: (value: string) => boolean) => actual.some(test);

const operators: Record<string, Operator> = {
  StringEquals: (actual, expected) =>
    actual !== undefined && anyOf(actual, (a) => expected.includes(a)),
  StringNotEquals: (actual, expected) =>
    actual === undefined || !anyOf(actual, (a) => expected.includes(a)),
  StringLike: (actual, expected) =>
    actual !== undefined && anyOf(actual, (a) => expected.some((e) => wildcardMatch(e, a))),
  StringNotLike: (actual, expected) =>
    actual === undefined || !anyOf(actual, (a) => expected.some((e) => wildcardMatch(e, a))),
};

const list = (value: string | readonly string[]): readonly string[] =>
  typeof value === 'string' ? [value] : value;

function contextValue(
  context: AuthorizationRequest['context'],
  key: string,
): readonly string[] | undefined {
  if (!context) return undefined;
  const wanted = key.toLowerCase();
  for (const name of Object.keys(context)) {
    if (name.toLowerCase() === wanted) {
      const value = context[name];
      return value === undefined ? undefined : list(value);
    }
  }
  return undefined;
}

function conditionsHold(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  for (const [operatorName, block] of Object.entries(statement.Condition ?? {})) {
    const operator = operators[operatorName];
    if (!operator) throw new PolicyError(`Unsupported condition operator ${operatorName}`);
    for (const [key, expected] of Object.entries(block)) {
      if (!operator(contextValue(request.context, key), list(expected))) return false;
    }
  }
  return true;
}

function principalMatches(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  if (statement.Principal === undefined) return true;
  const principal: unknown = statement.Principal;
  if (principal === '*') return true;
  if (!request.principal) return false;
  const ids = statement.Principal[request.principal.type];
  return ids !== undefined && list(ids).some((id) => id === '*' || id === request.principal?.id);
}

function applies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  for (const key of Object.keys(statement)) {
    if (!['Sid', 'Effect', 'Action', 'Resource', 'Principal', 'Condition'].includes(key)) {
      throw new PolicyError(`Unsupported policy element ${key}`);
    }
  }
  return (
    list(statement.Action).some((a) => wildcardMatch(a, request.action, true)) &&
    (statement.Resource === undefined ||
      list(statement.Resource).some((r) => wildcardMatch(r, request.resource))) &&
    principalMatches(statement, request) &&
    conditionsHold(statement, request)
  );
}

/** Evaluates the policies together, as IAM does for one principal. */
export function evaluate(
  policies: readonly PolicyDocument[],
  request: AuthorizationRequest,
): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.Statement) {
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
        throw new PolicyError(`Unsupported Effect ${String(statement.Effect)}`);
      }
      if (!applies(statement, request)) continue;
      if (statement.Effect === 'Deny') return 'ExplicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'Allow' : 'ImplicitDeny';
}
