/** Reading the ingestion's state in tests: database rows, counters, and waiting for progress. */
import type { Counter } from 'prom-client';
import type { DatabaseHandle } from '../../src/db/connection.js';
import { countRecordings } from '../../src/db/recording-repository.js';

export async function windows(handle: DatabaseHandle) {
  return handle.reader.selectFrom('index_window').selectAll().orderBy('id').execute();
}

export async function files(handle: DatabaseHandle) {
  return handle.reader.selectFrom('export_file').selectAll().orderBy('requested_at').execute();
}

export function recordings(handle: DatabaseHandle): Promise<number> {
  return countRecordings(handle.reader);
}

/** The value of a counter for exactly these labels (0 when never incremented). */
export async function counterValue<T extends string>(counter: Counter<T>, labels: Partial<Record<T, string>> = {}): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((value) => Object.entries(labels).every(([name, wanted]) => (value.labels as Record<string, unknown>)[name] === wanted))
    .reduce((sum, value) => sum + value.value, 0);
}

/** A clock a test moves by hand (the ingestion's `now`). */
export class ManualClock {
  constructor(public ms = Math.floor(Date.now() / 1000) * 1000) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}
