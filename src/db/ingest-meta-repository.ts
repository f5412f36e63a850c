/** Small durable facts of the ingestion (`ingest_meta`, key → text). */
import type { Executor } from './recording-repository.js';

export const META_FIRST_START = 'first_start_ms';
export const META_RECORDING_COUNT = 'recording_count';

export async function readMeta(executor: Executor, key: string): Promise<string | undefined> {
  const row = await executor.selectFrom('ingest_meta').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeMeta(executor: Executor, key: string, value: string): Promise<void> {
  await executor
    .insertInto('ingest_meta')
    .values({ key, value })
    .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
    .execute();
}

/** Stores `value` unless the key already has one; answers the value that holds (first writer wins). */
export async function writeMetaOnce(executor: Executor, key: string, value: string): Promise<string> {
  await executor
    .insertInto('ingest_meta')
    .values({ key, value })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .execute();
  return (await readMeta(executor, key)) ?? value;
}
