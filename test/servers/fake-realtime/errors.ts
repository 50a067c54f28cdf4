/**
 * Protocol errors and the validation helpers that produce them, with the message wording of the
 * live service where it is known (live captures) and OpenAI's usual API wording
 * ("Invalid type for 'x': expected ..., but got ... instead.") otherwise.
 */
import type { JsonObject } from './types.js';

export class ProtocolError extends Error {
  constructor(
    readonly code: string | null,
    message: string,
    readonly param: string | null = null,
    readonly errorType: string = 'invalid_request_error',
  ) {
    super(message);
  }
}

export function fail(code: string | null, message: string, param: string | null = null): never {
  throw new ProtocolError(code, message, param);
}

/** `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'` (OpenAI's list style). */
export function quoteList(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  if (q.length <= 1) return q.join('');
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidType(path: string, expected: string, value: unknown): never {
  fail('invalid_type', `Invalid type for '${path}': expected ${expected}, but got ${describeType(value)} instead.`, path);
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) invalidType(path, 'an object', value);
  return value;
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) invalidType(path, 'an array', value);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') invalidType(path, 'a string', value);
  return value;
}

export function expectBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') invalidType(path, 'a boolean', value);
  return value;
}

export function expectInteger(value: unknown, path: string, min?: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) invalidType(path, 'an integer', value);
  return expectWithin('integer', value, path, min, max);
}

export function expectNumber(value: unknown, path: string, min?: number, max?: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalidType(path, 'a number', value);
  return expectWithin('decimal', value, path, min, max);
}

/** The server's range errors, worded by kind: `integer_below_min_value`, `decimal_above_max_value`, … */
function expectWithin(kind: 'integer' | 'decimal', value: number, path: string, min?: number, max?: number): number {
  if (min !== undefined && value < min) {
    fail(
      `${kind}_below_min_value`,
      `Invalid '${path}': ${kind} below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      path,
    );
  }
  if (max !== undefined && value > max) {
    fail(
      `${kind}_above_max_value`,
      `Invalid '${path}': ${kind} above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      path,
    );
  }
  return value;
}

export function expectEnum<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') invalidType(path, 'one of ' + quoteList(allowed), value);
  if (!(allowed as readonly string[]).includes(value)) {
    fail('invalid_value', `Invalid value: '${value}'. Supported values are: ${quoteList(allowed)}.`, path);
  }
  return value as T;
}

/** Rejects the first key that is not in `allowed` ("Unknown parameter: 'session.modalities'."). */
export function rejectUnknownKeys(obj: JsonObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const param = path ? `${path}.${key}` : key;
      fail('unknown_parameter', `Unknown parameter: '${param}'.`, param);
    }
  }
}

export function requireKey(obj: JsonObject, key: string, path: string): unknown {
  if (obj[key] === undefined) {
    const param = path ? `${path}.${key}` : key;
    fail('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
  }
  return obj[key];
}
