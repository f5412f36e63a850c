/**
 * HTTP Range for the media route (RFC 9110 §14), parsed with `range-parser`. Only single byte
 * ranges are served as 206; several ranges get the whole file (200, no multipart), a malformed
 * header is ignored (200), an unsatisfiable one is a 416.
 */
import rangeParser from 'range-parser';

export type RangeDecision =
  | { type: 'full' }
  | { type: 'partial'; start: number; end: number }
  | { type: 'unsatisfiable' };

const SPEC = /^\s*(\d*)\s*-\s*(\d*)\s*$/;

/** Splits `bytes=a-b,c-d` into its specs; undefined when it is not a syntactically valid bytes range. */
function byteRangeSpecs(header: string): string[] | undefined {
  const equals = header.indexOf('=');
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== 'bytes') return undefined;
  const specs = header.slice(equals + 1).split(',');
  for (const spec of specs) {
    const match = SPEC.exec(spec);
    if (!match || (match[1] === '' && match[2] === '')) return undefined;
    // `bytes=5-3` is invalid, not unsatisfiable (RFC 9110 §14.1.1): the header is ignored.
    if (match[1] !== '' && match[2] !== '' && Number(match[1]) > Number(match[2])) return undefined;
  }
  return specs;
}

/** What the client asked for, measured against a representation of `size` bytes. */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { type: 'full' };
  const specs = byteRangeSpecs(header);
  if (specs === undefined) return { type: 'full' };
  // RFC 9110 §14.1.2: a suffix longer than the representation selects all of it (range-parser refuses it).
  const clamped = specs.map((spec) => spec.replace(/^\s*-\s*(\d+)\s*$/, (_all, suffix: string) => `-${Math.min(Number(suffix), size)}`));
  const parsed = rangeParser(size, `bytes=${clamped.join(',')}`);
  if (parsed === -2) return { type: 'full' };
  if (parsed === -1) return { type: 'unsatisfiable' };
  if (specs.length > 1) return { type: 'full' };
  const [range] = parsed;
  return range === undefined ? { type: 'unsatisfiable' } : { type: 'partial', start: range.start, end: range.end };
}

/**
 * The Range to forward to the platform before the size is known: a single valid byte range,
 * normalised; undefined for none, several or a malformed one (those are answered with the whole file).
 */
export function upstreamRange(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const specs = byteRangeSpecs(header);
  if (specs === undefined || specs.length !== 1) return undefined;
  return `bytes=${specs[0]!.replace(/\s+/g, '')}`;
}

/** `size` undefined: unknown to us too (`/*`). */
export function contentRange(start: number, end: number, size: number | undefined): string {
  return `bytes ${start}-${end}/${size ?? '*'}`;
}

export function unsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}

export interface ParsedContentRange {
  start: number;
  end: number;
  /** undefined for `/*` (size unknown to the sender). */
  size: number | undefined;
}

/** Parses a 206's `Content-Range: bytes a-b/size`; undefined when it is not one. */
export function parseContentRange(header: string | undefined): ParsedContentRange | undefined {
  const match = header === undefined ? null : /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  const size = match[3] === '*' ? undefined : Number(match[3]);
  if (start > end || (size !== undefined && end >= size)) return undefined;
  return { start, end, size };
}
