/**
 * Which way a call went, from the recording index's call_type code (docs/recording-index-fields.md):
 * 0-5 inbound, 6 internal, 7-12 and 40-42 outbound, anything else (or none) unknown. The same table
 * drives the `direction` field and the `direction` filter of searchRecordings, so the two never disagree.
 */
export type CallDirection = 'INBOUND' | 'OUTBOUND' | 'INTERNAL' | 'UNKNOWN';

/** Inclusive call_type ranges per known direction. */
export const CALL_TYPE_RANGES: Readonly<Record<Exclude<CallDirection, 'UNKNOWN'>, ReadonlyArray<readonly [number, number]>>> = {
  INBOUND: [[0, 5]],
  INTERNAL: [[6, 6]],
  OUTBOUND: [
    [7, 12],
    [40, 42],
  ],
};

const KNOWN = Object.entries(CALL_TYPE_RANGES) as Array<[Exclude<CallDirection, 'UNKNOWN'>, ReadonlyArray<readonly [number, number]>]>;

export function directionOf(callType: number | null): CallDirection {
  if (callType === null) return 'UNKNOWN';
  for (const [direction, ranges] of KNOWN) {
    if (ranges.some(([low, high]) => callType >= low && callType <= high)) return direction;
  }
  return 'UNKNOWN';
}

/** Every known range, whatever its direction: UNKNOWN is a call_type outside all of them. */
export const ALL_KNOWN_CALL_TYPE_RANGES: ReadonlyArray<readonly [number, number]> = KNOWN.flatMap(([, ranges]) => ranges);
