/**
 * ZIP packages built with yazl: recordings are stored uncompressed and streamed (so the total size
 * is known before the first byte, for Content-Length), small CSV packages are deflated once.
 */
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { bufferSource, streamedSource, type ContentSource } from './content-source.js';

export interface ZipEntry {
  name: string;
  source: ContentSource;
}

/** A fixed entry time keeps every download of one package byte-identical (Range needs that). */
const ENTRY_TIME = new Date(Date.UTC(2026, 10, 20, 9, 0, 0));

/** yazl's typings declare the size callback without its argument. */
type EndWithSize = (options: undefined, calculatedTotalSizeCallback: (size: number) => void) => void;

function buildStoredZip(entries: readonly ZipEntry[]): { zip: ZipFile; size: number } {
  const zip = new ZipFile();
  for (const entry of entries) {
    zip.addReadStreamLazy(entry.name, { compress: false, size: entry.source.size, mtime: ENTRY_TIME }, (cb) =>
      cb(null, entry.source.open()),
    );
  }
  let size = -1;
  (zip.end.bind(zip) as EndWithSize)(undefined, (total) => {
    size = total;
  });
  // Without addFile() entries yazl reports the size synchronously inside end().
  if (size < 0) throw new Error('zip size not known in advance');
  return { zip, size };
}

/** A zip of the entries, stored (no compression), produced while it is being sent. */
export function storedZipSource(entries: readonly ZipEntry[]): ContentSource {
  const { size } = buildStoredZip(entries);
  return streamedSource(size, () => buildStoredZip(entries).zip.outputStream as Readable);
}

/** A deflated zip of small in-memory files (the agent-operation CSV packages). */
export async function deflatedZip(files: ReadonlyArray<{ name: string; data: Buffer }>): Promise<ContentSource> {
  const zip = new ZipFile();
  for (const file of files) zip.addBuffer(file.data, file.name, { mtime: ENTRY_TIME });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as Readable) chunks.push(chunk as Buffer);
  return bufferSource(Buffer.concat(chunks));
}
