/**
 * A browser upload's POST policy, as S3 reads and enforces it: the base64 JSON
 * document with `expiration` and `conditions`; each condition an exact match
 * (`{"field": "value"}` or `["eq", "$field", "value"]`), a prefix
 * (`["starts-with", "$field", "prefix"]`) or `["content-length-range", min, max]`;
 * and every form field but the signature, the policy, `file` and `x-ignore-*` named
 * by some condition. Field names are matched without regard to case, values exactly.
 */
import { S3Error } from './errors';

export interface PostPolicy {
  expiration: Date;
  conditions: readonly unknown[];
}

export interface PolicyRequest {
  /** The bucket of the URL, which `bucket` conditions are checked against. */
  bucket: string;
  /** The form's fields before `file`, names lower-cased, the key after `${filename}`. */
  fields: ReadonlyMap<string, string>;
  /** The size of `file`, in bytes. */
  fileSize: number;
  now: number;
}

const invalidPolicy = (message: string) =>
  new S3Error('InvalidPolicyDocument', 400, `Invalid Policy: ${message}`);

const denied = (why: string) =>
  new S3Error('AccessDenied', 403, `Invalid according to Policy: ${why}`, {}, why);

/** The policy of a `Policy` field, or InvalidPolicyDocument. */
export function readPolicy(base64: string): PostPolicy {
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw invalidPolicy('Invalid JSON.');
  }
  const { expiration, conditions } = document as Record<string, unknown>;
  if (expiration === undefined) throw invalidPolicy('Policy missing expiration.');
  const expires = typeof expiration === 'string' ? new Date(expiration) : undefined;
  if (!expires || Number.isNaN(expires.getTime())) {
    throw invalidPolicy("Invalid 'expiration' value: '" + String(expiration) + "'");
  }
  if (!Array.isArray(conditions)) throw invalidPolicy('Policy missing conditions.');
  return { expiration: expires, conditions };
}

/** The fields S3 never asks a condition for. */
function exempt(name: string): boolean {
  return (
    name === 'x-amz-signature' ||
    name === 'file' ||
    name === 'policy' ||
    name.startsWith('x-ignore-')
  );
}

interface FieldCondition {
  operator: 'eq' | 'starts-with';
  /** Lower-cased, to match form fields. */
  field: string;
  /** As the policy writes it, for the error message. */
  name: string;
  value: string;
}

type Condition = FieldCondition | { operator: 'content-length-range'; min: number; max: number };

/** A condition as S3 reads it, or undefined when it cannot be read (so it fails). */
function parseCondition(raw: unknown): Condition | undefined {
  if (Array.isArray(raw)) {
    const [operator, first, second] = raw as unknown[];
    if (raw.length !== 3 || typeof operator !== 'string') return undefined;
    const op = operator.toLowerCase();
    if (op === 'content-length-range') {
      return Number.isSafeInteger(first) && Number.isSafeInteger(second)
        ? { operator: op, min: first as number, max: second as number }
        : undefined;
    }
    if ((op !== 'eq' && op !== 'starts-with') || typeof first !== 'string') return undefined;
    if (!first.startsWith('$') || typeof second !== 'string') return undefined;
    const name = first.slice(1);
    return { operator: op, field: name.toLowerCase(), name, value: second };
  }
  if (typeof raw === 'object' && raw !== null) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) return undefined;
    const [[field, value]] = entries as [[string, unknown]];
    return typeof value === 'string'
      ? { operator: 'eq', field: field.toLowerCase(), name: field, value }
      : undefined;
  }
  return undefined;
}

/** How S3 quotes a condition in its message: `["eq", "$key", "uploads/1"]`. */
function describe(raw: unknown): string {
  const condition = parseCondition(raw);
  if (condition && condition.operator !== 'content-length-range') {
    return `["${condition.operator}", "$${condition.name}", ${JSON.stringify(condition.value)}]`;
  }
  return JSON.stringify(raw).replace(/,/g, ', ');
}

function holds(condition: FieldCondition, request: PolicyRequest): boolean {
  const actual =
    condition.field === 'bucket' ? request.bucket : request.fields.get(condition.field);
  if (actual === undefined) return false;
  if (condition.operator === 'eq') return actual === condition.value;
  // A Content-Type may list several types; each must start with the prefix.
  const values = condition.field === 'content-type' ? actual.split(',') : [actual];
  return values.every((value) => value.trim().startsWith(condition.value));
}

/**
 * Throws S3's error for the first rule the request breaks: the expiry, a field
 * condition, a field no condition names, then the file's size.
 */
export function checkPolicy(policy: PostPolicy, request: PolicyRequest): void {
  if (policy.expiration.getTime() <= request.now) throw denied('Policy expired.');
  const covered = new Set<string>();
  let range: { min: number; max: number } | undefined;
  for (const raw of policy.conditions) {
    const condition = parseCondition(raw);
    if (!condition) throw denied(`Policy Condition failed: ${describe(raw)}`);
    if (condition.operator === 'content-length-range') {
      range = condition;
      continue;
    }
    if (!holds(condition, request)) throw denied(`Policy Condition failed: ${describe(raw)}`);
    covered.add(condition.field);
  }
  const extra = [...request.fields.keys()].filter((name) => !exempt(name) && !covered.has(name));
  if (extra.length) throw denied(`Extra input fields: ${extra.join(', ')}`);
  if (range && request.fileSize > range.max) {
    throw new S3Error(
      'EntityTooLarge',
      400,
      'Your proposed upload exceeds the maximum allowed size',
      { ProposedSize: request.fileSize, MaxSizeAllowed: range.max },
    );
  }
  if (range && request.fileSize < range.min) {
    throw new S3Error(
      'EntityTooSmall',
      400,
      'Your proposed upload is smaller than the minimum allowed size',
      { ProposedSize: request.fileSize, MinSizeAllowed: range.min },
    );
  }
}
