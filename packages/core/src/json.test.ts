import { describe, expect, it } from 'vitest';
import { isPlainObject, jsonEqual, mergeJsonObjects, setOwn, toJsonValue } from './json.ts';

describe('JSON values', () => {
  it('copies plain JSON, dropping undefined entries as JSON does', () => {
    const value = { a: 1, b: [true, null, 'x'], c: { d: undefined, e: 2 } };
    expect(toJsonValue(value)).toEqual({ a: 1, b: [true, null, 'x'], c: { e: 2 } });
    expect(toJsonValue(value)).not.toBe(value);
  });

  it.each([
    ['a class instance', { when: new Date(0) }, /\$\.when is an instance of Date/],
    ['a function', { run: () => 1 }, /\$\.run is a function/],
    ['NaN', { n: Number.NaN }, /\$\.n is NaN/],
    ['a bigint', { n: 1n }, /\$\.n is a bigint/],
    ['a Map', [new Map()], /\$\[0\] is an instance of Map/],
    ['a function deep inside', { a: [1, { b: { c: () => 1 } }] }, /^\$\.a\[1\]\.b\.c is a function/],
  ])('names the path of %s, which JSON cannot represent', (_kind, value, message) => {
    expect(() => toJsonValue(value)).toThrow(message);
  });

  it('rejects cycles but allows the same object twice', () => {
    const shared = { x: 1 };
    expect(toJsonValue({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toJsonValue(cycle)).toThrow(/cycle/);
  });

  it('keeps __proto__ and constructor as own data keys, without touching prototypes', () => {
    const wire = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
    const copy = toJsonValue(wire) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.hasOwn(copy, 'constructor')).toBe(true);
    const merged = mergeJsonObjects({ a: 1 }, wire);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    const target: Record<string, unknown> = {};
    setOwn(target, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('compares deeply, ignoring key order', () => {
    expect(jsonEqual({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
  });

  it('merges nested objects and replaces everything else', () => {
    const base = { keep: 1, nested: { a: 1, b: 2 }, list: [1, 2] };
    const merged = mergeJsonObjects(base, { nested: { b: 3 }, list: [9], added: true });
    expect(merged).toEqual({ keep: 1, nested: { a: 1, b: 3 }, list: [9], added: true });
    expect(base).toEqual({ keep: 1, nested: { a: 1, b: 2 }, list: [1, 2] });
  });

  it('tells plain objects from arrays, null and class instances', () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
  });
});
