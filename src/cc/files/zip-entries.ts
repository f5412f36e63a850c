/**
 * Reading a CC-FS export zip as a stream (unzipper): each entry whose name is accepted is handed to
 * `onEntry` as a stream of inflated bytes, one at a time and in file order; the others are drained.
 * Nothing is buffered beyond what the handler holds.
 *
 * Size guard: the whole zip may inflate to at most `maxUncompressedBytes`. An entry whose local
 * header already declares more is refused before a byte of it is inflated; entries without sizes
 * in their header (streamed zips put them in a trailing descriptor) are counted as they inflate.
 * Either way a zip bomb stops at the limit.
 *
 * Integrity: the zip must end with its central directory (a zip cut short at an entry boundary
 * would otherwise read as a complete one), and each entry read must inflate to the CRC-32 and size
 * the central directory records (streamed reading checks neither by itself: corrupt deflate data
 * can inflate to garbage without an error).
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import unzipper from 'unzipper';

export class IndexTooLargeError extends Error {
  override readonly name = 'IndexTooLargeError';
}

/** The bytes are not a zip at all (a JSON error body, an HTML page, garbage), or not a whole one. */
export class NotAZipError extends Error {
  override readonly name = 'NotAZipError';
}

/** An entry did not inflate to what the central directory records (corrupt data). */
export class ZipIntegrityError extends Error {
  override readonly name = 'ZipIntegrityError';
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
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
/** The tail kept to read the central directory from: a few CSV entries need a few hundred bytes. */
const MAX_TAIL_BYTES = 1024 * 1024;

/** What the central directory records of an entry. */
interface CentralRecord {
  crc32: number;
  uncompressedSize: number;
}

/** name → record, or undefined when the directory could not be read from the tail (then unchecked). */
function readCentralDirectory(tail: Buffer, totalBytes: number): Map<string, CentralRecord> | undefined {
  const eocd = tail.lastIndexOf(EOCD_SIGNATURE);
  if (eocd < 0 || eocd + 22 > tail.length) return undefined;
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  const tailStart = totalBytes - tail.length;
  if (size === 0xffffffff || offset === 0xffffffff || offset < tailStart) return undefined;
  const records = new Map<string, CentralRecord>();
  let at = offset - tailStart;
  const end = at + size;
  while (at + 46 <= end && tail.readUInt32LE(at) === CENTRAL_HEADER_SIGNATURE) {
    const nameLength = tail.readUInt16LE(at + 28);
    const extraLength = tail.readUInt16LE(at + 30);
    const commentLength = tail.readUInt16LE(at + 32);
    const name = tail.toString('utf8', at + 46, at + 46 + nameLength);
    const uncompressedSize = tail.readUInt32LE(at + 24);
    if (uncompressedSize !== 0xffffffff) records.set(name, { crc32: tail.readUInt32LE(at + 16), uncompressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return records;
}

/**
 * Fails the stream unless it starts with a zip signature (`PK`) and ends with an end-of-central-
 * directory record; keeps the central directory for the integrity check.
 */
function zipFraming(onDirectory: (records: Map<string, CentralRecord> | undefined) => void): Transform {
  let checked = false;
  // The last chunks that together hold at least MAX_TAIL_BYTES (references, no copies).
  const tail: Buffer[] = [];
  let tailBytes = 0;
  let totalBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      if (!checked && chunk.length > 0) {
        checked = true;
        if (chunk[0] !== 0x50 || (chunk.length > 1 && chunk[1] !== 0x4b)) {
          callback(new NotAZipError('the file is not a zip'));
          return;
        }
      }
      totalBytes += chunk.length;
      tail.push(chunk);
      tailBytes += chunk.length;
      while (tail.length > 1 && tailBytes - (tail[0]?.length ?? 0) >= MAX_TAIL_BYTES) tailBytes -= tail.shift()?.length ?? 0;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (!checked) return callback(new NotAZipError('the file is empty'));
      const joined = Buffer.concat(tail);
      if (joined.subarray(-MAX_EOCD_BYTES).lastIndexOf(EOCD_SIGNATURE) === -1) {
        return callback(new NotAZipError('the zip ends without its central directory (cut short?)'));
      }
      onDirectory(readCentralDirectory(joined, totalBytes));
      callback();
    },
  });
}

/** Counts an entry's inflated bytes and their CRC-32 as they pass. */
function entryChecksum(): { transform: Transform; crc32(): number; bytes(): number } {
  let crc = 0;
  let bytes = 0;
  return {
    transform: new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        crc = crc32(chunk, crc);
        bytes += chunk.length;
        callback(null, chunk);
      },
    }),
    crc32: () => crc >>> 0,
    bytes: () => bytes,
  };
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
  let directory: Map<string, CentralRecord> | undefined;
  const read: Array<{ path: string; crc32(): number; bytes(): number }> = [];
  // The first error is the one that explains; pipeline's teardown may surface an AbortError instead.
  let failure: unknown;
  const remember = (error: unknown): never => {
    failure ??= error;
    throw error;
  };
  // The entry being handed out. When the zip breaks off (or is destroyed to stop), unzipper leaves
  // that entry open, and its reader would wait for the rest forever (on Node 22, pipeline() waits
  // for that reader before it settles): end it with the zip's error.
  let current: Readable | undefined;
  const cutOff = (error?: Error) => current?.destroy(error ?? new Error('the zip stream was closed before its end'));
  const brokenOff = () => zip.errored !== null || (zip.destroyed && !zip.readableEnded);
  zip.once('error', cutOff);
  zip.once('close', () => {
    if (brokenOff()) cutOff(zip.errored ?? undefined);
  });
  try {
    await pipeline(
      zip,
      zipFraming((records) => {
        directory = records;
      }),
      unzipper.Parse({ forceStream: true }),
      async (entries: AsyncIterable<unzipper.Entry>) => {
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
            const checksum = entryChecksum();
            const counted = budget.counter();
            entry.once('error', (error: Error) => counted.destroy(error));
            entry.pipe(checksum.transform).pipe(counted);
            checksum.transform.once('error', (error: Error) => counted.destroy(error));
            read.push({ path: entry.path, crc32: checksum.crc32, bytes: checksum.bytes });
            current = counted;
            if (brokenOff()) cutOff(zip.errored ?? undefined);
            await onEntry(counted, entry.path);
            current = undefined;
          }
        } catch (error) {
          remember(error);
        }
      },
    );
  } catch (error) {
    throw failure ?? error;
  }
  for (const entry of read) {
    const recorded = directory?.get(entry.path);
    if (recorded === undefined) continue; // a directory too large for the tail, or ZIP64: not checked
    if (recorded.crc32 !== entry.crc32() || recorded.uncompressedSize !== entry.bytes()) {
      throw new ZipIntegrityError(`a zip entry does not match its CRC-32 or size (corrupt data)`);
    }
  }
}
