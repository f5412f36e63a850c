/**
 * Reading a CC-FS export zip as a stream (unzipper): each entry whose name is accepted is handed to
 * `onEntry` as a stream of inflated bytes, one at a time and in file order; the others are drained.
 * Nothing is buffered beyond what the handler holds.
 *
 * Size guard: the whole zip may inflate to at most `maxUncompressedBytes`. An entry whose local
 * header already declares more is refused before a byte of it is inflated; entries without sizes
 * in their header (streamed zips put them in a trailing descriptor) are counted as they inflate.
 * Either way a zip bomb stops at the limit.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import unzipper from 'unzipper';

export class IndexTooLargeError extends Error {
  override readonly name = 'IndexTooLargeError';
}

/** The bytes are not a zip at all (a JSON error body, an HTML page, garbage). */
export class NotAZipError extends Error {
  override readonly name = 'NotAZipError';
}

export interface ZipEntryOptions {
  /** Whether an entry (by its path inside the zip) is read; the others are skipped. */
  accept(entryPath: string): boolean;
  maxUncompressedBytes: number;
}

/** The base name of an entry path (zips from Windows tools may use backslashes). */
export function entryBaseName(entryPath: string): string {
  return entryPath.split(/[/\\]/).pop() ?? '';
}

function inflatedBudget(limit: number): { declare(size: number): void; counter(): Transform } {
  let declared = 0;
  let counted = 0;
  const refuse = () => new IndexTooLargeError(`the zip inflates to more than ${limit} bytes`);
  return {
    declare(size) {
      declared += size;
      if (declared > limit) throw refuse();
    },
    counter: () =>
      new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
          counted += chunk.length;
          if (counted > limit) callback(refuse());
          else callback(null, chunk);
        },
      }),
  };
}

/** The end-of-central-directory record: 22 bytes plus a comment of at most 65,535. */
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const MAX_EOCD_BYTES = 22 + 65_535;

/**
 * Fails the stream unless it starts with a zip signature (`PK`) and ends with an end-of-central-
 * directory record: a zip cut short at an entry boundary would otherwise read as a complete one
 * with fewer entries.
 */
function zipFraming(): Transform {
  let checked = false;
  // The last chunks that together hold at least MAX_EOCD_BYTES (references, no copies).
  const tail: Buffer[] = [];
  let tailBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (!checked && chunk.length > 0) {
        checked = true;
        if (chunk[0] !== 0x50 || (chunk.length > 1 && chunk[1] !== 0x4b)) {
          callback(new NotAZipError('the file is not a zip'));
          return;
        }
      }
      tail.push(chunk);
      tailBytes += chunk.length;
      while (tail.length > 1 && tailBytes - (tail[0]?.length ?? 0) >= MAX_EOCD_BYTES) tailBytes -= tail.shift()?.length ?? 0;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (!checked) callback(new NotAZipError('the file is empty'));
      else if (Buffer.concat(tail).subarray(-MAX_EOCD_BYTES).lastIndexOf(EOCD_SIGNATURE) === -1) callback(new NotAZipError('the zip ends without its central directory (cut short?)'));
      else callback();
    },
  });
}

/** The size in the entry's local header; 0 when unknown (data descriptor, or ZIP64's 0xFFFFFFFF). */
function declaredSize(entry: unzipper.Entry): number {
  const size = (entry.vars as { uncompressedSize?: number }).uncompressedSize ?? 0;
  return size === 0xffffffff ? 0 : size;
}

export async function forEachZipEntry(
  zip: Readable,
  options: ZipEntryOptions,
  onEntry: (entry: Readable, entryPath: string) => Promise<void>,
): Promise<void> {
  const budget = inflatedBudget(options.maxUncompressedBytes);
  // The first error is the one that explains; pipeline's teardown may surface an AbortError instead.
  let failure: unknown;
  const remember = (error: unknown): never => {
    failure ??= error;
    throw error;
  };
  try {
    await pipeline(zip, zipFraming(), unzipper.Parse({ forceStream: true }), async (entries: AsyncIterable<unzipper.Entry>) => {
      try {
        for await (const entry of entries) {
          if (entry.type !== 'File' || !options.accept(entry.path)) {
            entry.autodrain();
            continue;
          }
          try {
            budget.declare(declaredSize(entry));
          } catch (error) {
            entry.autodrain();
            throw error;
          }
          const counted = budget.counter();
          entry.once('error', (error: Error) => counted.destroy(error));
          entry.pipe(counted);
          await onEntry(counted, entry.path);
        }
      } catch (error) {
        remember(error);
      }
    });
  } catch (error) {
    throw failure ?? error;
  }
}
