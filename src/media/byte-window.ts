/**
 * The part of an upstream body the client gets: skip `skip` bytes, pass `length` bytes, stop. Used
 * for every body, so that the same code that serves a Range the platform ignored also catches an
 * upstream that ends short of its Content-Length (an error, never a short file that looks complete).
 *
 * An async generator rather than a Transform: returning early ends the `for await`, which destroys
 * the upstream at once (no reading the rest of a 1 GB video to serve its first bytes), without
 * failing the pipeline that carries the window to the client.
 */
import type { Readable } from 'node:stream';
import { CcError } from '../cc/cc-error.js';

export interface ByteWindow {
  /** Bytes of the upstream body to drop first. */
  skip: number;
  /** Bytes to pass after them; undefined when the length is unknown: everything to the end. */
  length: number | undefined;
  /**
   * True when the window ends where the upstream body ends: then the body is read to its natural
   * end (the upstream connection stays reusable) instead of being cut.
   */
  untilEnd: boolean;
}

export async function* byteWindow(source: Readable, window: ByteWindow, onBytes: (count: number) => void): AsyncGenerator<Buffer> {
  let toSkip = window.skip;
  let remaining = window.length ?? Infinity;
  if (remaining === 0) return;
  for await (const data of source as AsyncIterable<Buffer | string>) {
    let chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (toSkip > 0) {
      if (chunk.length <= toSkip) {
        toSkip -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(toSkip);
      toSkip = 0;
    }
    if (remaining === 0) continue;
    if (chunk.length >= remaining) {
      const last = chunk.subarray(0, remaining);
      remaining = 0;
      onBytes(last.length);
      yield last;
      if (!window.untilEnd) return;
      continue;
    }
    remaining -= chunk.length;
    onBytes(chunk.length);
    yield chunk;
  }
  if (remaining > 0 && remaining !== Infinity) {
    throw new CcError('unavailable', 'the CC platform ended the stream before its announced length');
  }
}
