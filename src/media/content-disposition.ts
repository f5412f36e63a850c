/**
 * Content-Disposition (RFC 6266): inline for playback, attachment for downloads, with an
 * ISO-8859-1 `filename` fallback and an RFC 5987 `filename*` for any other name.
 */
import contentDisposition from 'content-disposition';
import type { Disposition } from './link-target.js';
import { baseName } from './content-type.js';

export function contentDispositionHeader(disposition: Disposition, fileName: string): string {
  return contentDisposition(baseName(fileName) || 'download', { type: disposition });
}
