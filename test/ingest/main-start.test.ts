/**
 * `npm start` with no variables (src/main.ts as its own process): the embedded simulator, the
 * embedded database in DATA_DIR, and ingestion every few seconds, so that the simulator's
 * recording index is in the database within seconds. Observed through /metrics and the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import BetterSqlite3 from 'better-sqlite3';
import { spawnNodeEntry, type NodeProcess } from '../support/node-process.js';
import { freePort } from '../support/ports.js';
import { pollUntil } from '../support/eventually.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'cc-media-start-'));
let child: NodeProcess | undefined;

afterAll(async () => {
  await child?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

describe('npm start with no variables', () => {
  it('ingests the simulator’s recording index into the embedded database within seconds', async () => {
    const port = await freePort();
    child = await spawnNodeEntry('src/main.ts', {
      cwd: PROJECT_ROOT,
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      captureStdout: false,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    let rows = 0;
    const ingested = await pollUntil(async () => {
      rows = metric(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'recording_index_rows_ingested_total');
      return rows >= 250;
    }, 30_000);
    expect(ingested).toBe(true);
    const database = new BetterSqlite3(path.join(dataDir, 'cc-media.sqlite'), { readonly: true });
    try {
      const { n } = database.prepare('select count(*) as n from recording').get() as { n: number };
      expect(n).toBe(250);
      const calls = database.prepare("select count(*) as n from recording where call_id = '1795163400-20000'").get() as { n: number };
      expect(calls.n).toBe(3);
    } finally {
      database.close();
    }
  });
});
