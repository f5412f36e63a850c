/**
 * Where the next recording-index windows lie (docs/recording-index.md): the first starts at
 * RECORDING_INDEX_START, each next one OVERLAP before the previous one ended, and each ends at the
 * present, split into pieces the CC-FS accepts (at most 3 days). Pure.
 */

/**
 * At most 3 days, less an hour: the window goes to the platform as wall-clock text, and across a
 * daylight-saving change 72 hours of real time read as 73 on the clock.
 */
export const MAX_WINDOW_MS = 3 * 24 * 60 * 60 * 1000 - 60 * 60 * 1000;

export interface PlannedWindow {
  fromMs: number;
  toMs: number;
}

export interface PlanInput {
  /** The end of the last planned window, or undefined before the first. */
  previousToMs: number | undefined;
  startMs: number;
  overlapMs: number;
  nowMs: number;
  maxWindowMs?: number;
}

/** Whole seconds: the platform's times have no milliseconds. */
function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function planWindows(input: PlanInput): PlannedWindow[] {
  const max = input.maxWindowMs ?? MAX_WINDOW_MS;
  const from = toSecond(input.previousToMs === undefined ? input.startMs : input.previousToMs - input.overlapMs);
  const to = toSecond(input.nowMs);
  const windows: PlannedWindow[] = [];
  for (let start = from; start < to; start += max) windows.push({ fromMs: start, toMs: Math.min(start + max, to) });
  return windows;
}
