/**
 * What is being sent: the Content-Type from the bytes themselves when they tell (a downloadRecord by
 * callId is a .wav or a .zip, known only when the bytes arrive), otherwise from the file name; and the
 * file name to save under, its extension fixed when the bytes contradict it.
 */

export type MediaType = 'audio/wav' | 'video/mp4' | 'application/zip' | 'text/csv' | 'application/octet-stream';

const BY_EXTENSION: Record<string, MediaType> = {
  wav: 'audio/wav',
  // CC-FS recordings: RIFF WAV, G.711 A-law.
  v3: 'audio/wav',
  mp4: 'video/mp4',
  zip: 'application/zip',
  csv: 'text/csv',
};

/** What sniffing can recognise. */
export type SniffedType = 'audio/wav' | 'video/mp4' | 'application/zip';

const CANONICAL_EXTENSION: Record<SniffedType, string> = {
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'application/zip': 'zip',
};

/** Bytes needed by sniffMediaType. */
export const SNIFF_BYTES = 12;

function extensionOf(fileName: string): string | undefined {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : undefined;
}

/** The last path segment: CC names arrive as `Y:\1\0\20180309\108\2022318.V3` or with slashes. */
export function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

export function mediaTypeFromName(fileName: string): MediaType | undefined {
  const extension = extensionOf(fileName);
  return extension === undefined ? undefined : BY_EXTENSION[extension];
}

/** RIFF…WAVE, ISO BMFF `ftyp` at offset 4, or a zip's local file header / empty-archive record. */
export function sniffMediaType(head: Buffer): SniffedType | undefined {
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') {
    return 'audio/wav';
  }
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return 'video/mp4';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    const signature = head.readUInt16BE(2);
    if (signature === 0x0304 || signature === 0x0506) return 'application/zip';
  }
  return undefined;
}

export interface Presentation {
  contentType: MediaType;
  /** The name for Content-Disposition: the link's base name, its extension fixed to match the bytes. */
  fileName: string;
}

/** The bytes win over the name; the name wins over nothing. */
export function presentMedia(fileName: string, head: Buffer): Presentation {
  const name = baseName(fileName) || 'download';
  const named = mediaTypeFromName(name);
  const sniffed = sniffMediaType(head);
  if (sniffed === undefined || sniffed === named) {
    return { contentType: named ?? sniffed ?? 'application/octet-stream', fileName: name };
  }
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 && named !== undefined ? name.slice(0, dot) : name;
  return { contentType: sniffed, fileName: `${stem}.${CANONICAL_EXTENSION[sniffed]}` };
}
