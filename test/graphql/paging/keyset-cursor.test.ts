/** searchRecordings cursors: only what encode() made, for the same scope, with a known key, decodes. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createKeysetCursorCodec, cursorScope, MAX_KEYSET_CURSOR_LENGTH } from '../../../src/graphql/paging/keyset-cursor.js';
import { encodeOffsetCursor } from '../../../src/graphql/paging/cursor.js';

const key1 = randomBytes(32);
const key2 = randomBytes(32);
const codec = createKeysetCursorCodec([key1]);
const scope = cursorScope('searchRecordings', { from: 1, to: 2, agentId: '101', callId: undefined, direction: null });
const position = { beginMs: 1_795_163_400_000, callId: '1795163400-20000', fileName: 'Y:/1/0/20261120/101/1000000.V3' };

function flipByte(cursor: string, index: number): string {
  const bytes = Buffer.from(cursor, 'base64url');
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return bytes.toString('base64url');
}

describe('keyset cursors', () => {
  it('round-trips a position, odd characters included', () => {
    expect(codec.decode(scope, codec.encode(scope, position))).toEqual(position);
    const odd = { beginMs: 0, callId: 'a"b\\c', fileName: 'X:\\17\\0\\ü\u2028.V3' };
    expect(codec.decode(scope, codec.encode(scope, odd))).toEqual(odd);
  });

  it('is opaque: the cursor does not show the ids in clear text', () => {
    const cursor = codec.encode(scope, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('1795163400');
  });

  it('refuses a cursor made for other arguments or another field', () => {
    const cursor = codec.encode(scope, position);
    expect(codec.decode(cursorScope('searchRecordings', { from: 1, to: 2, agentId: '102' }), cursor)).toBeUndefined();
    expect(codec.decode(cursorScope('somethingElse', { from: 1, to: 2, agentId: '101', callId: undefined, direction: null }), cursor)).toBeUndefined();
  });

  it('names the arguments the same way whatever their order, and undefined like null', () => {
    expect(cursorScope('f', { b: 1, a: undefined })).toBe(cursorScope('f', { a: null, b: 1 }));
  });

  it('refuses any altered byte, in the tag or in the position', () => {
    const cursor = codec.encode(scope, position);
    const length = Buffer.from(cursor, 'base64url').length;
    for (const index of [0, 5, 15, 16, 20, length - 1]) expect(codec.decode(scope, flipByte(cursor, index))).toBeUndefined();
  });

  it('refuses other spellings, foreign cursors and junk', () => {
    const cursor = codec.encode(scope, position);
    expect(codec.decode(scope, `${cursor}=`)).toBeUndefined();
    expect(codec.decode(scope, cursor.slice(0, -1))).toBeUndefined();
    expect(codec.decode(scope, encodeOffsetCursor(100))).toBeUndefined();
    expect(codec.decode(scope, '')).toBeUndefined();
    expect(codec.decode(scope, 'not a cursor!')).toBeUndefined();
    expect(codec.decode(scope, 'A'.repeat(MAX_KEYSET_CURSOR_LENGTH + 4))).toBeUndefined();
    const handMade = Buffer.concat([Buffer.alloc(16), Buffer.from(JSON.stringify([1, 'a', 'b']))]).toString('base64url');
    expect(codec.decode(scope, handMade)).toBeUndefined();
  });

  it('verifies with any configured key and signs with the first (key rotation)', () => {
    const old = createKeysetCursorCodec([key2]);
    const rotated = createKeysetCursorCodec([key1, key2]);
    expect(rotated.decode(scope, old.encode(scope, position))).toEqual(position);
    expect(old.decode(scope, rotated.encode(scope, position))).toBeUndefined();
    expect(createKeysetCursorCodec([randomBytes(32)]).decode(scope, codec.encode(scope, position))).toBeUndefined();
  });
});
