/**
 * Indexes for searchRecordings (docs/recording-index-fields.md, checked by
 * test/data/recording-index/query-plans.test.ts):
 * - one agent's recordings in the keyset order (agent_id, begin_time, call_id, file_name), so a page
 *   is read straight from the index without sorting the agent's rows; it replaces
 *   recording_by_agent_begin, whose columns are its prefix;
 * - the caller and the callee numbers, so a search by number over 31 days reads the number's rows,
 *   not every row of the month.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('recording_by_agent_keyset').on('recording').columns(['agent_id', 'begin_time', 'call_id', 'file_name']).execute();
  await db.schema.dropIndex('recording_by_agent_begin').ifExists().execute();
  await db.schema.createIndex('recording_by_caller').on('recording').columns(['caller_no', 'begin_time']).execute();
  await db.schema.createIndex('recording_by_callee').on('recording').columns(['callee_no', 'begin_time']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('recording_by_callee').ifExists().execute();
  await db.schema.dropIndex('recording_by_caller').ifExists().execute();
  await db.schema.createIndex('recording_by_agent_begin').on('recording').columns(['agent_id', 'begin_time']).execute();
  await db.schema.dropIndex('recording_by_agent_keyset').ifExists().execute();
}
