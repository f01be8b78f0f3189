/** A JSON value: what survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonArray | JsonObject;
/** A read-only JSON array. */
export type JsonArray = readonly JsonValue[];
/** A read-only plain object of JSON values. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** True for a plain object (not null, not an array, not a class instance). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** True for a JSON object (a plain object; its values are not inspected). */
export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value);
}

/**
 * Sets an own property, even for keys such as `__proto__` that plain assignment would treat as
 * the prototype. Data from the wire may carry them; they must stay data.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * Copies `value` into fresh plain JSON, dropping `undefined` object entries (as JSON does).
 * Throws a `TypeError` naming the path of the first value JSON cannot represent: a function, a
 * class instance, a non-finite number, a bigint, a symbol or a cycle. Keys such as `__proto__`
 * stay own data keys.
 */
export function toJsonValue(value: unknown, path = '$'): JsonValue {
  return new JsonCopy(path).copy(value);
}

/**
 * One copy of a JSON value: the objects on the way down (a cycle is one of them met again) and the
 * keys that lead there, made into a path only for the error (copies of results are on every call's path).
 */
class JsonCopy {
  readonly #root: string;
  readonly #ancestors: object[] = [];
  readonly #keys: (string | number)[] = [];

  constructor(root: string) {
    this.#root = root;
  }

  copy(value: unknown): JsonValue {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(value)) throw this.#error(`is ${value}, which JSON cannot represent`);
        return value;
      case 'object':
        if (value === null) return null;
        if (this.#ancestors.includes(value))
          throw this.#error('refers back to itself (a cycle), which JSON cannot represent');
        this.#ancestors.push(value);
        try {
          return Array.isArray(value) ? this.#copyArray(value) : this.#copyObject(value);
        } finally {
          this.#ancestors.pop();
        }
      default:
        throw this.#error(`is a ${typeof value}, which JSON cannot represent`);
    }
  }

  #copyArray(value: readonly unknown[]): JsonValue[] {
    const copy: JsonValue[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) copy[index] = this.#at(index, value[index]);
    return copy;
  }

  #copyObject(value: object): JsonObject {
    if (!isPlainObject(value)) {
      const name = value.constructor?.name ?? 'an object without a prototype chain';
      throw this.#error(`is an instance of ${name}; use a plain object of JSON values`);
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item !== undefined) setOwn(copy, key, this.#at(key, item));
    }
    return copy as JsonObject;
  }

  /** The copy of `item`, found at `key` of the value being copied. */
  #at(key: string | number, item: unknown): JsonValue {
    this.#keys.push(key);
    const copy = this.copy(item);
    this.#keys.pop();
    return copy;
  }

  #error(problem: string): TypeError {
    const path = this.#keys.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('');
    return new TypeError(`${this.#root}${path} ${problem}`);
  }
}

/** Deep equality of two JSON values (object key order does not matter). */
export function jsonEqual(left: JsonValue | undefined, right: JsonValue | undefined): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right) || left.length !== right.length) return false;
    return left.every((item, index) => jsonEqual(item, right[index]));
  }
  const leftObject = left as JsonObject;
  const rightObject = right as JsonObject;
  const keys = Object.keys(leftObject);
  if (keys.length !== Object.keys(rightObject).length) return false;
  return keys.every((key) => Object.hasOwn(rightObject, key) && jsonEqual(leftObject[key], rightObject[key]));
}

/**
 * Merges `patch` into `base`: nested plain objects merge recursively, anything else in the patch
 * (arrays included) replaces the base value. Neither input is modified.
 */
export function mergeJsonObjects(base: JsonObject, patch: JsonObject): JsonObject {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = Object.hasOwn(base, key) ? base[key] : undefined;
    setOwn(merged, key, isJsonObject(current) && isJsonObject(value) ? mergeJsonObjects(current, value) : value);
  }
  return merged as JsonObject;
}
