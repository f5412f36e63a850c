/**
 * A file the simulator can serve: its size is known up front (for Content-Length) and any byte
 * range can be opened as a stream that is produced chunk by chunk, on demand (backpressure), so a
 * 1 GB body never exists in memory.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface ContentSource {
  size: number;
  /** A stream of bytes `range.start..range.end` (the whole file when omitted). */
  open(range?: ByteRange): Readable;
}

const CHUNK = 64 * 1024;

/** Bytes computed by `fill(offset, target)`; only one chunk at a time is ever allocated. */
export function generatedSource(size: number, fill: (offset: number, target: Buffer) => void): ContentSource {
  return {
    size,
    open(range) {
      let position = range?.start ?? 0;
      const end = range === undefined ? size : range.end + 1;
      return new Readable({
        highWaterMark: CHUNK,
        read() {
          if (position >= end) {
            this.push(null);
            return;
          }
          const chunk = Buffer.allocUnsafe(Math.min(CHUNK, end - position));
          fill(position, chunk);
          position += chunk.length;
          this.push(chunk);
        },
      });
    },
  };
}

export function bufferSource(bytes: Buffer): ContentSource {
  return generatedSource(bytes.length, (offset, target) => {
    bytes.copy(target, 0, offset, offset + target.length);
  });
}

/** Passes on only bytes `start..end` (inclusive) of what flows through it. */
export class ByteSlice extends Transform {
  private seen = 0;
  constructor(private readonly range: ByteRange) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const chunkStart = this.seen;
    this.seen += chunk.length;
    const from = Math.max(this.range.start, chunkStart);
    const to = Math.min(this.range.end + 1, this.seen);
    if (to > from) this.push(chunk.subarray(from - chunkStart, to - chunkStart));
    done();
  }
}

/** A source that only exists as a whole stream (e.g. a zip being built): ranges skip through it. */
export function streamedSource(size: number, openWhole: () => Readable): ContentSource {
  return {
    size,
    open(range) {
      const whole = openWhole();
      if (range === undefined || (range.start === 0 && range.end === size - 1)) return whole;
      const slice = new ByteSlice(range);
      whole.on('error', (error) => slice.destroy(error));
      slice.on('close', () => whole.destroy());
      return whole.pipe(slice);
    },
  };
}
