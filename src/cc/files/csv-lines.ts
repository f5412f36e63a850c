/**
 * Line-at-a-time CSV for files whose records never span lines (the CC-FS index CSVs: ids, numbers,
 * times and paths). Each line is parsed on its own, so one hostile line (an unclosed quote, a
 * field of megabytes) costs only that line: the next line parses normally. Lines longer than a
 * limit are never assembled in memory; they are reported as too long and skipped.
 */
import { Transform, type TransformCallback } from 'node:stream';

export type CsvLine = { kind: 'line'; text: string } | { kind: 'tooLong' };

/** Bytes → lines (LF or CRLF), at most `maxLineBytes` each; a longer line becomes `{kind:'tooLong'}`. */
export function splitLines(maxLineBytes: number): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let discarding = false;
  let first = true;

  const text = (bytes: Buffer): string => {
    let line = bytes.toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (first) {
      first = false;
      if (line.startsWith('\uFEFF')) line = line.slice(1);
    }
    return line;
  };

  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      let start = 0;
      for (let newline = chunk.indexOf(0x0a, start); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
        const piece = chunk.subarray(start, newline);
        if (discarding || pendingBytes + piece.length > maxLineBytes) {
          this.push({ kind: 'tooLong' } satisfies CsvLine);
          first = false;
        } else {
          this.push({ kind: 'line', text: text(pending.length === 0 ? piece : Buffer.concat([...pending, piece])) } satisfies CsvLine);
        }
        discarding = false;
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
      const rest = chunk.subarray(start);
      if (!discarding && rest.length > 0) {
        if (pendingBytes + rest.length > maxLineBytes) {
          discarding = true;
          pending = [];
          pendingBytes = 0;
        } else {
          pending.push(Buffer.from(rest)); // a copy: the chunk itself is not kept alive
          pendingBytes += rest.length;
        }
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (discarding) this.push({ kind: 'tooLong' } satisfies CsvLine);
      else if (pendingBytes > 0) this.push({ kind: 'line', text: text(Buffer.concat(pending)) } satisfies CsvLine);
      callback();
    },
  });
}

/**
 * One CSV line → its fields (comma-separated; a field may be double-quoted, `""` inside quotes is
 * a quote), or 'broken_quoting' for an unclosed quote, text after a closing quote, or a quote
 * inside an unquoted field.
 */
export function parseCsvLine(line: string): string[] | 'broken_quoting' {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (line.charCodeAt(at) === 0x22 /* " */) {
      let value = '';
      let from = at + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote === -1) return 'broken_quoting';
        value += line.slice(from, quote);
        if (line.charCodeAt(quote + 1) === 0x22) {
          value += '"';
          from = quote + 2;
          continue;
        }
        at = quote + 1;
        break;
      }
      fields.push(value);
      if (at === line.length) return fields;
      if (line.charCodeAt(at) !== 0x2c /* , */) return 'broken_quoting';
      at += 1;
    } else {
      const comma = line.indexOf(',', at);
      const value = comma === -1 ? line.slice(at) : line.slice(at, comma);
      if (value.includes('"')) return 'broken_quoting';
      fields.push(value);
      if (comma === -1) return fields;
      at = comma + 1;
    }
  }
}
