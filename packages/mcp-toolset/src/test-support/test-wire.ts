// Test support (not exported): reading wire messages that must fail.
import { ProtocolError } from '@toolwright/core';
import { expect } from 'vitest';

/** The ProtocolError `read` throws; the test fails when it throws nothing or something else. */
export function protocolFailure(read: () => unknown): ProtocolError {
  try {
    read();
  } catch (error) {
    expect(ProtocolError.isInstance(error)).toBe(true);
    return error as ProtocolError;
  }
  throw new Error('expected a ProtocolError');
}
