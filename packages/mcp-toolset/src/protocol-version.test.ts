import { describe, expect, it } from 'vitest';
import { isModernProtocol } from './protocol-version.ts';

describe('isModernProtocol', () => {
  it('is true for 2026-07-28 and every later revision, false for earlier ones and for none', () => {
    for (const version of ['2026-07-28', '2026-11-30', '2027-03-15']) expect(isModernProtocol(version)).toBe(true);
    for (const version of ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2026-07-27'])
      expect(isModernProtocol(version)).toBe(false);
    expect(isModernProtocol(undefined)).toBe(false);
  });
});
