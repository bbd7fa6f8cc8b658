/**
 * Small runtime shape checkers for requests that cross a transport. The
 * renderer is untrusted input: every field is checked for type and size, and
 * unknown fields are refused so nothing unexpected reaches a service.
 */
import { TenantryError } from '../errors.js';

/** Checks a value and returns it typed, or throws INVALID_REQUEST naming the path. */
export type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, expected: string): never {
  throw new TenantryError('INVALID_REQUEST', `The request is malformed: ${path} must be ${expected}.`);
}

/** A string no longer than `max` characters. */
export function str(max = 4096): Check<string> {
  return (v, path) => {
    if (typeof v !== 'string') fail(path, 'a string');
    if (v.length > max) fail(path, `at most ${max} characters`);
    return v;
  };
}

/** An integer within [min, max]. */
export function int(min: number, max: number): Check<number> {
  return (v, path) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `an integer from ${min} to ${max}`);
    return v;
  };
}

/** A boolean. */
export const bool: Check<boolean> = (v, path) => {
  if (typeof v !== 'boolean') fail(path, 'true or false');
  return v;
};

/** One of the given string literals. */
export function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, path) => {
    if (typeof v !== 'string' || !(values as string[]).includes(v)) fail(path, `one of ${values.join(', ')}`);
    return v as T;
  };
}

/** An array of at most `max` items, each checked. Carries its item check, for the contract coverage test. */
export function arr<T>(item: Check<T>, max: number): Check<T[]> & { item: Check<T> } {
  const check: Check<T[]> = (v, path) => {
    if (!Array.isArray(v)) fail(path, 'a list');
    if (v.length > max) fail(path, `a list of at most ${max} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
  return Object.assign(check, { item });
}

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape, O extends Shape> = { [K in keyof S]: ReturnType<S[K]> } & { [K in keyof O]?: ReturnType<O[K]> };

/** An object with required and optional fields; extra fields are refused. Carries its fields, for the contract coverage test. */
export function obj<S extends Shape, O extends Shape = Record<never, never>>(required: S, optional?: O): Check<Out<S, O>> & { fields: { required: S; optional: Partial<O> } } {
  const check: Check<Out<S, O>> = (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object');
    const input = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      // Own keys only: `key in` would also accept toString, constructor, __proto__ … from Object.prototype.
      if (!Object.hasOwn(required, key) && !(optional && Object.hasOwn(optional, key))) fail(`${path}.${JSON.stringify(key.slice(0, 60))}`, 'absent (unknown field)');
    }
    for (const [key, check] of Object.entries(required)) out[key] = check(input[key], `${path}.${key}`);
    for (const [key, check] of Object.entries(optional ?? {})) {
      if (input[key] !== undefined) out[key] = check(input[key], `${path}.${key}`);
    }
    return out as Out<S, O>;
  };
  return Object.assign(check, { fields: { required, optional: optional ?? {} } });
}

/** The empty request `{}`. */
export const empty: Check<Record<string, never>> = obj<Record<never, never>, Record<never, never>>({}) as Check<Record<string, never>>;
