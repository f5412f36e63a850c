/** The recording index, its windows, the files asked for, the callback inbox and the meta facts. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recording')
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('caller_no', 'text')
    .addColumn('callee_no', 'text')
    .addColumn('begin_time', 'bigint')
    .addColumn('end_time', 'bigint')
    .addColumn('call_type', 'integer')
    .addColumn('media_type', 'text')
    .addColumn('cc_id', 'text')
    .addColumn('vdn_id', 'text')
    .addColumn('skill_id', 'text')
    .addColumn('source_file', 'text', (c) => c.notNull())
    .addColumn('ingested_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('recording_pk', ['call_id', 'file_name'])
    .execute();
  // Recording.fileName → its index row; searchRecordings newest first (keyset); one agent's calls.
  await db.schema.createIndex('recording_by_file').on('recording').column('file_name').execute();
  await db.schema.createIndex('recording_by_begin').on('recording').columns(['begin_time', 'call_id', 'file_name']).execute();
  await db.schema.createIndex('recording_by_agent_begin').on('recording').columns(['agent_id', 'begin_time']).execute();

  await db.schema
    .createTable('index_window')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('from_ms', 'bigint', (c) => c.notNull())
    .addColumn('to_ms', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('bill_file_name', 'text')
    .addColumn('asked_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'bigint')
    .addColumn('ingested_at', 'bigint')
    .addColumn('row_count', 'integer')
    .addColumn('skipped_rows', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('index_window_by_state').on('index_window').columns(['state', 'next_attempt_at']).execute();

  await db.schema
    .createTable('export_file')
    .addColumn('file_name', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('response_id', 'text', (c) => c.notNull())
    .addColumn('request_day', 'text', (c) => c.notNull())
    .addColumn('from_ms', 'bigint', (c) => c.notNull())
    .addColumn('to_ms', 'bigint', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('window_id', 'integer')
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('ready_at', 'bigint')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'bigint')
    .addColumn('ingested_at', 'bigint')
    .addColumn('row_count', 'integer')
    .addColumn('skipped_rows', 'integer')
    .execute();
  // agentOperationIndexes(from, to): one kind, a range of request days, newest first.
  await db.schema.createIndex('export_file_by_kind_day').on('export_file').columns(['kind', 'request_day']).execute();
  await db.schema.createIndex('export_file_by_state').on('export_file').columns(['state', 'next_attempt_at']).execute();

  await db.schema
    .createTable('callback_inbox')
    .addColumn('file_name', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('ingest_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ingest_meta', 'callback_inbox', 'export_file', 'index_window', 'recording']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
