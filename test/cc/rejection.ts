/** The CcError a CC client call rejects with (the test fails when it resolves or rejects otherwise). */
import { expect } from '@jest/globals';
import { CcError } from '../../src/cc/cc-error.js';

export async function rejection(promise: Promise<unknown>): Promise<CcError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CcError);
  return error as CcError;
}
