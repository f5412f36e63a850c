/**
 * Benchmark 5, recording-index ingestion: one zip of N rows (made by the benchmark) ingested by the
 * subgraph's own ingestion (ingestRecordingIndexFile, in a process of its own) into SQLite and into
 * PostgreSQL, against PostgreSQL's own COPY FROM of the same CSV (psql \copy) into a table of the
 * same shape: the same primary key and the same five secondary indexes on the matching columns.
 * Every round uses fresh databases on one throwaway PostgreSQL cluster; the order rotates between
 * rounds; figures are medians. The RSS of the ingesting process is sampled from /proc.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { startPostgres, type TestPostgres } from '../test/support/postgres.js';
import { readProcessMemory, sampleRss } from './lib/process-memory.js';
import { DATASET_TIME_ZONE, recordingIndexDataset, type Dataset } from './lib/recording-index-dataset.js';
import { forkRpcChild } from './lib/rpc.js';
import { median } from './lib/stats.js';
import type { IngestFigures } from './servers/index-ingest-child.js';

const run = promisify(execFile);

/** The CSV's 18 columns, typed as the platform documents them, with the indexes of `recording`. */
const COPY_TABLE_DDL = `
create table recording_csv (
  developer text, account_id text, cc_id text, agent_id text, call_id text not null,
  caller_no text, callee_no text, call_begin timestamp, call_end timestamp, file_name text,
  task_status text, task_result text, original_file_name text not null, vdn_id text,
  call_type integer, media_type text, user_wanted_skill_id text, current_skill_id text,
  primary key (call_id, original_file_name));
create index recording_csv_by_file on recording_csv (original_file_name);
create index recording_csv_by_begin on recording_csv (call_begin, call_id, original_file_name);
create index recording_csv_by_agent on recording_csv (agent_id, call_begin, call_id, original_file_name);
create index recording_csv_by_caller on recording_csv (caller_no, call_begin);
create index recording_csv_by_callee on recording_csv (callee_no, call_begin);`;

export interface IngestRun {
  seconds: number;
  rowsPerSecond: number;
  /** RSS of the ingesting process before the file and at its peak while ingesting. */
  rssBeforeBytes?: number;
  rssPeakBytes?: number;
}

export interface IngestTargetSummary {
  rowsPerSecond: number;
  rounds: IngestRun[];
  /** The largest RSS growth of any round, bytes. */
  rssGrowthMaxBytes?: number;
}

export interface IndexIngestResult {
  measuredAt: string;
  rows: number;
  csvBytes: number;
  zipBytes: number;
  rounds: number;
  batchSize: number;
  timeZone: string;
  copy?: IngestTargetSummary;
  postgres?: IngestTargetSummary;
  sqlite: IngestTargetSummary;
  /** ours on PostgreSQL / COPY (target ≥ 0.5). */
  postgresOverCopy?: number;
  sqliteOverCopy?: number;
  postgresSettings?: string;
  /** Why PostgreSQL rows are missing, when they are. */
  postgresMissing?: string;
}

/** What the GraphQL benchmark (6) reads: the last round's databases (the caller removes them). */
export interface IngestedIndexes {
  dataset: Dataset;
  sqliteDir: string;
  postgres?: { cluster: TestPostgres; url: string };
}

async function ingestOurs(dataset: Dataset, env: NodeJS.ProcessEnv): Promise<IngestRun> {
  const child = await forkRpcChild<{ pid: number }>(new URL('./servers/index-ingest-child.ts', import.meta.url), { env });
  try {
    await child.call('prepare', dataset.billFileName);
    const rssBeforeBytes = readProcessMemory(child.pid).rss;
    const sampler = sampleRss(child.pid, 20);
    const figures = await child.call<IngestFigures>('ingest', dataset.billFileName, dataset.zipPath, DATASET_TIME_ZONE);
    const { peakRss } = sampler.stop();
    if (figures.rows !== dataset.rows || figures.skipped !== 0) throw new Error(`ingested ${figures.rows} rows, skipped ${figures.skipped}; expected ${dataset.rows}`);
    await child.call('close');
    return { seconds: figures.seconds, rowsPerSecond: figures.rows / figures.seconds, rssBeforeBytes, rssPeakBytes: peakRss };
  } finally {
    await child.stop();
  }
}

async function copyBaseline(dataset: Dataset, url: string): Promise<IngestRun> {
  await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', COPY_TABLE_DDL]);
  const started = performance.now();
  await run('psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy recording_csv from '${dataset.csvPath}' with (format csv)`], { maxBuffer: 1 << 20 });
  const seconds = (performance.now() - started) / 1000;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from recording_csv');
    if (Number(rows[0]?.n) !== dataset.rows) throw new Error(`COPY loaded ${rows[0]?.n} rows, expected ${dataset.rows}`);
  } finally {
    await client.end();
  }
  return { seconds, rowsPerSecond: dataset.rows / seconds };
}

async function countRows(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('select count(*) as n from recording');
    return Number(rows[0]?.n);
  } finally {
    await client.end();
  }
}

async function dropDatabase(cluster: TestPostgres, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  } finally {
    await client.end();
  }
}

function summarize(rounds: IngestRun[]): IngestTargetSummary {
  const growth = rounds.filter((r) => r.rssPeakBytes !== undefined).map((r) => (r.rssPeakBytes as number) - (r.rssBeforeBytes as number));
  return {
    rowsPerSecond: median(rounds.map((r) => r.rowsPerSecond)),
    rounds,
    ...(growth.length > 0 ? { rssGrowthMaxBytes: Math.max(...growth) } : {}),
  };
}

export async function runIndexIngest(options: {
  rows: number;
  rounds: number;
  log: (line: string) => void;
  /** false: only build the indexes for benchmark 5 (ours into SQLite and PostgreSQL once, no COPY). */
  compare?: boolean;
}): Promise<{ result: IndexIngestResult; indexes: IngestedIndexes }> {
  const { log } = options;
  const dataset = await recordingIndexDataset(options.rows, new URL('./tmp/', import.meta.url));
  log(`  dataset: ${dataset.rows} rows, CSV ${(dataset.csvBytes / 2 ** 20).toFixed(0)} MiB, zip ${(dataset.zipBytes / 2 ** 20).toFixed(0)} MiB`);

  let cluster: TestPostgres | undefined;
  let postgresMissing: string | undefined;
  try {
    cluster = await startPostgres();
  } catch (error) {
    postgresMissing = error instanceof Error ? error.message : String(error);
    log(`  PostgreSQL rows skipped: ${postgresMissing}`);
  }

  type Target = 'copy' | 'postgres' | 'sqlite';
  const targets: Target[] = (cluster ? ['copy', 'postgres', 'sqlite'] : ['sqlite']).filter((t): t is Target => options.compare !== false || t !== 'copy');
  const rounds: Record<Target, IngestRun[]> = { copy: [], postgres: [], sqlite: [] };
  let lastSqliteDir: string | undefined;
  let lastPostgresUrl: string | undefined;
  for (let round = 0; round < options.rounds; round += 1) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length] as Target);
    for (const target of order) {
      let figures: IngestRun;
      if (target === 'sqlite') {
        const dir = mkdtempSync(path.join(tmpdir(), 'cc-media-bench-sqlite-'));
        figures = await ingestOurs(dataset, { DATA_DIR: dir, DATABASE_URL: '' });
        if (lastSqliteDir) rmSync(lastSqliteDir, { recursive: true, force: true });
        lastSqliteDir = dir;
      } else {
        const pgCluster = cluster as TestPostgres;
        const url = await pgCluster.createDatabase();
        if (target === 'copy') {
          figures = await copyBaseline(dataset, url);
          await dropDatabase(pgCluster, url);
        } else {
          figures = await ingestOurs(dataset, { DATABASE_URL: url });
          if ((await countRows(url)) !== dataset.rows) throw new Error('PostgreSQL holds a different number of rows');
          if (lastPostgresUrl) await dropDatabase(pgCluster, lastPostgresUrl);
          lastPostgresUrl = url;
        }
      }
      rounds[target].push(figures);
      const rss = figures.rssPeakBytes === undefined ? '' : `, RSS ${((figures.rssBeforeBytes as number) / 2 ** 20).toFixed(0)} → ${(figures.rssPeakBytes / 2 ** 20).toFixed(0)} MiB`;
      log(`  ingest round ${round + 1} ${target}: ${figures.seconds.toFixed(1)} s, ${figures.rowsPerSecond.toFixed(0)} rows/s${rss}`);
    }
  }

  const copy = cluster ? summarize(rounds.copy) : undefined;
  const postgres = cluster ? summarize(rounds.postgres) : undefined;
  const sqlite = summarize(rounds.sqlite);
  const result: IndexIngestResult = {
    measuredAt: new Date().toISOString(),
    rows: dataset.rows,
    csvBytes: dataset.csvBytes,
    zipBytes: dataset.zipBytes,
    rounds: options.rounds,
    batchSize: 2000,
    timeZone: DATASET_TIME_ZONE,
    sqlite,
    ...(copy && postgres
      ? {
          copy,
          postgres,
          postgresOverCopy: postgres.rowsPerSecond / copy.rowsPerSecond,
          sqliteOverCopy: sqlite.rowsPerSecond / copy.rowsPerSecond,
          postgresSettings: 'PostgreSQL 15 (Debian), a throwaway cluster: fsync, synchronous_commit and full_page_writes off (the same for both)',
        }
      : {}),
    ...(postgresMissing === undefined ? {} : { postgresMissing }),
  };
  return {
    result,
    indexes: {
      dataset,
      sqliteDir: lastSqliteDir as string,
      ...(cluster && lastPostgresUrl ? { postgres: { cluster, url: lastPostgresUrl } } : {}),
    },
  };
}
