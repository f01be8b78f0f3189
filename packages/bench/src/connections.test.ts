import { describe, expect, it } from 'vitest';
import { TRANSPORTS, transportsOf } from './connections.ts';

describe('transportsOf', () => {
  it('is every transport by default, and only the one asked for otherwise', () => {
    expect(transportsOf({})).toEqual(TRANSPORTS);
    expect(transportsOf({ transport: undefined })).toEqual(['in-memory', 'stdio', 'http']);
    expect(transportsOf({ transport: 'http' })).toEqual(['http']);
  });
});
