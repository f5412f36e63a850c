/**
 * How far the ingested recording index reaches (recordingIndexCoverage). Windows are numbered in
 * the order they were planned and each starts at or before the end of the one before it, so the
 * ingested prefix of that sequence covers [first window's start, last prefix window's end) without
 * a hole. A window that failed holds `to` back until its file is ingested.
 */
import type { Executor } from './recording-repository.js';
import { META_RECORDING_COUNT, readMeta } from './ingest-meta-repository.js';

export interface Coverage {
  fromMs: number | null;
  toMs: number | null;
  /** Recording rows in the index (as counted when the last file was ingested). */
  recordings: number;
  lastIngestedAtMs: number | null;
}

export async function readCoverage(executor: Executor): Promise<Coverage> {
  const firstOpen = await executor
    .selectFrom('index_window')
    .select('id')
    .where('state', '<>', 'ingested')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const prefix = await executor
    .selectFrom('index_window')
    .select((eb) => [eb.fn.min('from_ms').as('fromMs'), eb.fn.max('to_ms').as('toMs')])
    .where('state', '=', 'ingested')
    .$if(firstOpen !== undefined, (qb) => qb.where('id', '<', firstOpen?.id ?? 0))
    .executeTakeFirst();
  const last = await executor
    .selectFrom('export_file')
    .select((eb) => eb.fn.max('ingested_at').as('at'))
    .where('kind', '=', 'record')
    .executeTakeFirst();
  const toMs = prefix?.toMs ?? null;
  return {
    fromMs: toMs === null ? null : (prefix?.fromMs ?? null),
    toMs,
    recordings: Number((await readMeta(executor, META_RECORDING_COUNT)) ?? 0),
    lastIngestedAtMs: last?.at ?? null,
  };
}
