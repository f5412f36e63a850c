/**
 * Opaque keyset cursors for searchRecordings: the position (begin_time, call_id, file_name) of the
 * last row of a page, so that the next page starts strictly after it whatever rows were added
 * meanwhile (an offset would shift). A cursor is authenticated (HMAC with a key derived from
 * MEDIA_LINK_KEYS) over the position and the query's arguments, so an `after` is accepted only when
 * this field returned it for the same arguments: an altered, hand-made or foreign cursor is
 * refused as BAD_USER_INPUT before any database query. Any replica with the keys verifies it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RecordingPosition } from '../../data/recording-index/search-recordings.js';

export type { RecordingPosition };

export interface KeysetCursorCodec {
  /** `scope` names the field and its arguments (see cursorScope). */
  encode(scope: string, position: RecordingPosition): string;
  /** The position, or undefined when the cursor was not made by encode() for this scope. */
  decode(scope: string, cursor: string): RecordingPosition | undefined;
}

/** Longer strings are refused before any decoding work. */
export const MAX_KEYSET_CURSOR_LENGTH = 2048;
const TAG_BYTES = 16;
const KEY_CONTEXT = 'cc-media-subgraph/searchRecordings-cursor/v1';

/** A stable text for the field and its arguments (other than `first` and `after`). */
export function cursorScope(field: string, args: Readonly<Record<string, string | number | null | undefined>>): string {
  const entries = Object.keys(args)
    .sort()
    .map((key) => [key, args[key] ?? null]);
  return JSON.stringify([field, entries]);
}

function isPosition(value: unknown): value is [number, string, string] {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isSafeInteger(value[0]) &&
    typeof value[1] === 'string' &&
    typeof value[2] === 'string'
  );
}

export function createKeysetCursorCodec(keys: readonly Buffer[]): KeysetCursorCodec {
  if (keys.length === 0) throw new Error('a keyset cursor codec needs at least one key');
  // A key of its own per purpose: a cursor tag can never be mistaken for anything a link key signs.
  const derived = keys.map((key) => createHmac('sha256', key).update(KEY_CONTEXT).digest());

  const tagOf = (key: Buffer, scope: string, payload: Buffer): Buffer =>
    createHmac('sha256', key).update(scope).update('\u0000').update(payload).digest().subarray(0, TAG_BYTES);

  return {
    encode(scope, position) {
      const payload = Buffer.from(JSON.stringify([position.beginMs, position.callId, position.fileName]), 'utf8');
      return Buffer.concat([tagOf(derived[0] as Buffer, scope, payload), payload]).toString('base64url');
    },

    decode(scope, cursor) {
      if (cursor.length > MAX_KEYSET_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
      const bytes = Buffer.from(cursor, 'base64url');
      // One spelling per cursor (no trailing bits or padding variants).
      if (bytes.length <= TAG_BYTES || bytes.toString('base64url') !== cursor) return undefined;
      const tag = bytes.subarray(0, TAG_BYTES);
      const payload = bytes.subarray(TAG_BYTES);
      if (!derived.some((key) => timingSafeEqual(tagOf(key, scope, payload), tag))) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        return undefined;
      }
      if (!isPosition(parsed)) return undefined;
      return { beginMs: parsed[0], callId: parsed[1], fileName: parsed[2] };
    },
  };
}
