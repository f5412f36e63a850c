/**
 * Opaque page cursors: base64url of `op:<offset>`, the position in the filtered rows where the next
 * page starts. Clients pass them back as `after`; they are not meant to be built by hand.
 */
const PREFIX = 'op:';
const MAX_OFFSET = 100_000_000;

export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`, 'utf8').toString('base64url');
}

/** The offset a cursor names, or undefined when it is not one of ours. */
export function decodeOffsetCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Re-encoding must give the same cursor, so that no two strings name one page.
  if (encodeOffsetCursorRaw(text) !== cursor) return undefined;
  const match = /^op:(0|[1-9]\d{0,8})$/.exec(text);
  if (!match) return undefined;
  const offset = Number(match[1]);
  return offset <= MAX_OFFSET ? offset : undefined;
}

function encodeOffsetCursorRaw(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
