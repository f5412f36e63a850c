/**
 * What each part of the suite measured, printed at the end of the run: every test file writes its
 * figures to the run's directory (RELIABILITY_FIGURES_DIR, made by the global setup) and the global
 * teardown prints them all together.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FaultRow {
  fault: string;
  graphql: string;
  download: string;
  recovered: boolean;
}

export interface Figures {
  part: string;
  seconds: number;
  requests: { graphql: number; downloads: number; mediaTokens: number };
  /** Outcomes by kind, e.g. `graphql:CC_UNAVAILABLE`, `download:503 CC_UNAVAILABLE`, `download:broken transfer`. */
  outcomes: Record<string, number>;
  /** Outcomes that were not expected (must be empty for the suite to pass). */
  unexpected: string[];
  bytes: { verified: number; lostOrCorrupted: number };
  faults?: FaultRow[];
  memory?: { heapBeforeMiB: number; heapAfterMiB: number; rssBeforeMiB: number; rssAfterMiB: number };
  handles?: { before: Record<string, number>; after: Record<string, number> };
  notes?: string[];
}

export function newFigures(part: string): Figures {
  return {
    part,
    seconds: 0,
    requests: { graphql: 0, downloads: 0, mediaTokens: 0 },
    outcomes: {},
    unexpected: [],
    bytes: { verified: 0, lostOrCorrupted: 0 },
  };
}

export function count(figures: Figures, outcome: string, by = 1): void {
  figures.outcomes[outcome] = (figures.outcomes[outcome] ?? 0) + by;
}

export function saveFigures(figures: Figures): void {
  const dir = process.env.RELIABILITY_FIGURES_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${figures.part}.json`), JSON.stringify(figures, null, 2));
}

/** Resource counts by type (TCPSocketWrap, Timeout, …) of this process. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

export function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

/** Collects garbage when the suite runs with --expose-gc (npm run test:reliability does). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}
