/**
 * The whole path on both databases: the write side ingests the simulator's recording index (ask →
 * signed callback → download → parse → store), then GraphQL answers recordingIndexCoverage,
 * Call.recordings (playable) and searchRecordings from what was ingested.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { postGraphQL } from '../../support/graphql-client.js';
import { startIngestionStack, type IngestionStack } from '../../support/ingestion-stack.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

interface Coverage {
  from: string | null;
  to: string | null;
  recordings: number;
  lastIngestedAt: string | null;
}

describe.each(DATABASE_KINDS)('GraphQL on the ingested simulator index on %s', (kind: DatabaseKind) => {
  let stack: IngestionStack;
  const query = <T>(text: string, variables?: Record<string, unknown>) => postGraphQL<T>(stack.server.graphqlUrl, text, variables);
  const coverage = async () => (await query<{ recordingIndexCoverage: Coverage }>('{ recordingIndexCoverage { from to recordings lastIngestedAt } }')).data?.recordingIndexCoverage;

  beforeAll(async () => {
    stack = await startIngestionStack({ database: await databases.fresh(kind), start: false });
  }, 60_000);

  afterAll(() => stack?.close());

  it('covers nothing before the first ingestion, then the ingested window', async () => {
    expect(await coverage()).toEqual({ from: null, to: null, recordings: 0, lastIngestedAt: null });
    const started = Date.now();
    await stack.ingestion.start();
    await eventually(async () => (await coverage())?.to !== null, 30_000);
    const covered = (await coverage()) as Coverage;
    const rows = await stack.handle.reader.selectFrom('recording').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(covered.recordings).toBe(Number(rows.n));
    expect(covered.recordings).toBeGreaterThan(200);
    expect(Date.parse(covered.from as string)).toBeLessThan(Date.parse(covered.to as string));
    expect(Date.parse(covered.to as string)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(covered.lastIngestedAt as string)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
  });

  it('answers Call.recordings of the sample calls, playable', async () => {
    const s = stack.sim.samples;
    const answer = await query<{ multi: { recordings: Array<{ fileName: string; beginTime: string; playback: { url: string } | null }>; recordingsDownload: { fileName: string } }; single: { recordings: unknown[] } }>(
      `query($m: ID!, $s: ID!) { multi: call(callId: $m) { recordings { fileName beginTime playback { url } } recordingsDownload { fileName } }
         single: call(callId: $s) { recordings { fileName } } }`,
      { m: s.multiRecordingCallId, s: s.singleRecordingCallId },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.multi.recordings.map((r) => r.fileName).sort()).toEqual([...s.multiRecordingFileNames].sort());
    expect(answer.data?.multi.recordings.every((r) => r.playback !== null && r.beginTime !== null)).toBe(true);
    expect(answer.data?.multi.recordingsDownload.fileName).toBe(`${s.multiRecordingCallId}.zip`);
    expect(answer.data?.single.recordings).toHaveLength(1);
  });

  it('searches the ingested rows of one agent over the covered window', async () => {
    const covered = (await coverage()) as Coverage;
    const expected = await stack.handle.reader
      .selectFrom('recording')
      .select('file_name')
      .where('agent_id', '=', '101')
      .where('begin_time', '>=', Date.parse(covered.from as string))
      .where('begin_time', '<', Date.parse(covered.to as string))
      .orderBy('begin_time', 'desc')
      .orderBy('call_id', 'desc')
      .orderBy('file_name', 'desc')
      .execute();
    expect(expected.length).toBeGreaterThan(10);
    const answer = await query<{ searchRecordings: { totalCount: number; nodes: Array<{ fileName: string; agentId: string }> } }>(
      `query($from: DateTime!, $to: DateTime!) { searchRecordings(from: $from, to: $to, agentId: "101", first: 10) { totalCount nodes { fileName agentId } } }`,
      { from: covered.from, to: covered.to },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.searchRecordings.totalCount).toBe(expected.length);
    expect(answer.data?.searchRecordings.nodes.map((n) => n.fileName)).toEqual(expected.slice(0, 10).map((row) => row.file_name));
  });
});
