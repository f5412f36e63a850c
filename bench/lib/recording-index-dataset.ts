/**
 * The recording index the benchmarks ingest: N rows of the platform's 18-column `…_record.csv`
 * (no header, call_begin/call_end as contact-center wall-clock text), written once as a plain CSV
 * (what PostgreSQL's COPY reads) and as a deflated zip of that same CSV (what the CC-FS sends and
 * our ingestion reads). Deterministic, cached under bench/tmp by row count.
 *
 * Shape: 30 days of calls, 200 agents (about 170 recordings per agent per day at 1,000,000 rows),
 * one call in five has two recordings, backslashed original_file_name as the platform writes it.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

export const DATASET_TIME_ZONE = 'Asia/Shanghai';
const ZONE_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
const DAYS = 30;
const AGENTS = 200;
/** Midnight of the first day, in the contact center's time zone, as epoch ms. */
const FIRST_DAY_MS = Date.UTC(2026, 9, 1) - ZONE_OFFSET_MS;
const CALL_TYPES = [0, 0, 0, 5, 6, 7, 8, 8, 10, 40, 13, 0];

export interface Dataset {
  rows: number;
  csvPath: string;
  zipPath: string;
  /** yyyyMMdd_{32 hex}.zip, as the file would be named by the CC-FS. */
  billFileName: string;
  csvBytes: number;
  zipBytes: number;
  /** Requests for the GraphQL benchmark: one agent's busiest day, and 20 calls. */
  sample: {
    agentId: string;
    /** [from, to) of one day in UTC instants (the CC day). */
    dayFrom: string;
    dayTo: string;
    callIds: string[];
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Wall-clock text of an instant in the dataset's zone (UTC+8, no DST). */
function localText(epochMs: number): string {
  const d = new Date(epochMs + ZONE_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function localDay(epochMs: number): string {
  const d = new Date(epochMs + ZONE_OFFSET_MS);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** Row i of the dataset (one CSV line, no newline), and its call. */
function line(i: number, rows: number): { text: string; callId: string; agentId: string; beginMs: number } {
  // Four calls per five rows: every fifth row is a second recording of the call before it.
  const call = Math.floor((i * 4) / 5);
  const calls = Math.ceil((rows * 4) / 5);
  const beginMs = FIRST_DAY_MS + Math.floor((call * DAYS * DAY_MS) / calls / 1000) * 1000;
  const endMs = beginMs + (30 + ((call * 37) % 600)) * 1000;
  const agentId = String(101 + ((call * 7919) % AGENTS));
  const callId = `${Math.floor(beginMs / 1000)}-${call}`;
  const day = localDay(beginMs);
  const name = 1_000_000 + i;
  const caller = `138${pad((call * 104_729) % 100_000_000, 8)}`;
  const callee = String(4000 + (call % 50));
  const callType = CALL_TYPES[call % CALL_TYPES.length] as number;
  const text = [
    'dev01',
    '1001',
    '1',
    agentId,
    callId,
    caller,
    callee,
    localText(beginMs),
    localText(endMs),
    `/10/1/record/100/${day}/${agentId}/${name}.wav`,
    '1',
    'success',
    `Y:\\1\\0\\${day}\\${agentId}\\${name}.V3`,
    '1',
    String(callType),
    '1',
    String(call % 9),
    String(call % 9),
  ].join(',');
  return { text, callId, agentId, beginMs };
}

/** Writes the CSV and the zip unless they are cached; answers where they are and what to ask. */
export async function recordingIndexDataset(rows: number, dir: URL): Promise<Dataset> {
  const base = new URL(`recording-index-${rows}/`, dir);
  mkdirSync(base, { recursive: true });
  const manifestUrl = new URL('manifest.json', base);
  if (existsSync(manifestUrl)) return JSON.parse(readFileSync(manifestUrl, 'utf8')) as Dataset;

  const csvPath = new URL('record.csv', base).pathname;
  const zipPath = new URL('index.zip', base).pathname;
  const sampleAgent = String(101 + ((7 * 7919) % AGENTS));
  const sampleDayStart = FIRST_DAY_MS + 15 * DAY_MS;
  const callIds: string[] = [];

  const out = createWriteStream(`${csvPath}.part`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    const row = line(i, rows);
    chunk.push(row.text);
    if (row.beginMs >= sampleDayStart + 9 * 3600_000 && callIds.length < 20 && !callIds.includes(row.callId) && i % 97 === 0) callIds.push(row.callId);
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  renameSync(`${csvPath}.part`, csvPath);

  const zip = new ZipFile();
  zip.addReadStream(createReadStream(csvPath), '20261031093000123456_record_1.csv', { mtime: new Date(Date.UTC(2026, 9, 31)) });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(`${zipPath}.part`));
  renameSync(`${zipPath}.part`, zipPath);

  const dataset: Dataset = {
    rows,
    csvPath,
    zipPath,
    billFileName: `20261031_${'b'.repeat(24)}${pad(rows % 100_000_000, 8)}.zip`,
    csvBytes: statSync(csvPath).size,
    zipBytes: statSync(zipPath).size,
    sample: {
      agentId: sampleAgent,
      dayFrom: new Date(sampleDayStart).toISOString(),
      dayTo: new Date(sampleDayStart + DAY_MS).toISOString(),
      callIds,
    },
  };
  writeFileSync(manifestUrl, `${JSON.stringify(dataset, null, 2)}\n`);
  return dataset;
}
