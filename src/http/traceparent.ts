/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/): parse what a caller sent,
 * or start a new trace; this server's span gets a fresh parent id either way.
 */
import { randomHex as poolHex } from '../observability/random-pool.js';

export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  parentId: string;
  /** 2 hex digits (bit 0: sampled). */
  flags: string;
}

const VERSION_00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
// Future versions may append fields after the flags; the first four keep their meaning.
const FUTURE_VERSION = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

function allZero(hex: string): boolean {
  return /^0+$/.test(hex);
}

/** The caller's trace, or undefined when the header is absent or malformed (then a new trace starts). */
export function parseTraceParent(header: string | string[] | undefined): TraceParent | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  let match = VERSION_00.exec(value);
  let parts: [string, string, string] | undefined;
  if (match) {
    parts = [match[1]!, match[2]!, match[3]!];
  } else {
    match = FUTURE_VERSION.exec(value);
    if (match && match[1] !== 'ff' && match[1] !== '00') parts = [match[2]!, match[3]!, match[4]!];
  }
  if (!parts) return undefined;
  const [traceId, parentId, flags] = parts;
  if (allZero(traceId) || allZero(parentId)) return undefined;
  return { traceId, parentId, flags };
}

export function formatTraceParent(trace: TraceParent): string {
  return `00-${trace.traceId}-${trace.parentId}-${trace.flags}`;
}

function randomHex(bytes: number): string {
  let hex = poolHex(bytes * 2);
  while (allZero(hex)) hex = poolHex(bytes * 2);
  return hex;
}

/** This server's span: the caller's trace id (or a new one) with a fresh parent id. */
export function childTraceParent(incoming: TraceParent | undefined): TraceParent {
  return {
    traceId: incoming?.traceId ?? randomHex(16),
    parentId: randomHex(8),
    flags: incoming?.flags ?? '00',
  };
}
