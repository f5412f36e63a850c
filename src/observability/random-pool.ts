/**
 * Random bytes and random ids for what every request needs (trace and span ids, media link ids and
 * IVs), cut from buffers that are refilled from the CSPRNG when used up: one randomFillSync per few
 * hundred ids instead of one randomBytes call (and one encoding) per id. That call, not the
 * randomness, was the cost (7% of a GraphQL request that mints 40 links). Every byte and every
 * character is handed out once, never again.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 6144;

const bytes = Buffer.allocUnsafeSlow(POOL_BYTES);
let bytesOffset = POOL_BYTES;

/** Copies `length` fresh random bytes into `target` at `targetStart`. */
export function fillRandom(target: Buffer, targetStart: number, length: number): void {
  if (length > POOL_BYTES) {
    randomFillSync(target, targetStart, length);
    return;
  }
  if (bytesOffset + length > POOL_BYTES) {
    randomFillSync(bytes);
    bytesOffset = 0;
  }
  bytes.copy(target, targetStart, bytesOffset, bytesOffset + length);
  bytesOffset += length;
}

/** A string of random characters of one alphabet, encoded once per refill and sliced per id. */
function characterPool(encoding: 'hex' | 'base64url'): (length: number) => string {
  let text = '';
  let offset = 0;
  return (length) => {
    if (offset + length > text.length) {
      text = randomFillSync(Buffer.allocUnsafe(POOL_BYTES)).toString(encoding);
      offset = 0;
    }
    const slice = text.slice(offset, offset + length);
    offset += length;
    return slice;
  };
}

/** `length` random lowercase hex digits (4 random bits each). */
export const randomHex: (length: number) => string = characterPool('hex');

/** `length` random base64url characters (6 random bits each). */
export const randomBase64url: (length: number) => string = characterPool('base64url');
