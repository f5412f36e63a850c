/**
 * Call.recordings, the index fields of Recording and Call.recordingsDownload's file name, over HTTP,
 * on SQLite and on PostgreSQL: the answers come from the rows in the database; a page of calls or
 * recordings costs one query per batch (counted), never one per entity; a database failure is
 * DATABASE_UNAVAILABLE and shows nothing of the database.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';
import { indexRow, startIndexStack, type IndexStack } from './index-stack.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const T = Date.UTC(2026, 10, 20, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

interface RecordingFields {
  fileName: string;
  indexed: boolean;
  call: { callId: string } | null;
  agentId: string | null;
  callerNumber: string | null;
  calleeNumber: string | null;
  beginTime: string | null;
  endTime: string | null;
  callType: number | null;
  direction: string | null;
  mediaType: string | null;
  ccId: string | null;
  vdnId: string | null;
  skillId: string | null;
}

const FIELDS = 'fileName indexed call { callId } agentId callerNumber calleeNumber beginTime endTime callType direction mediaType ccId vdnId skillId';

describe.each(DATABASE_KINDS)('recording index fields on %s', (kind: DatabaseKind) => {
  let h: IndexStack;
  let multi: string[];

  beforeAll(async () => {
    h = await startIndexStack(kind, databases);
    const s = h.sim.samples;
    multi = s.multiRecordingFileNames;
    await h.seed([
      // Two recordings share a begin time: fileName breaks the tie. The last began first.
      indexRow({ call_id: s.multiRecordingCallId, file_name: multi[0] as string, begin_time: T + 60_000, agent_id: '101', call_type: 8 }),
      indexRow({ call_id: s.multiRecordingCallId, file_name: multi[1] as string, begin_time: T + 60_000, agent_id: '102', call_type: 8 }),
      indexRow({ call_id: s.multiRecordingCallId, file_name: multi[2] as string, begin_time: T, agent_id: '103', call_type: 8, caller_no: '5550100', callee_no: '13900000002', end_time: T + 30_000, media_type: '2', cc_id: '7', vdn_id: '12', skill_id: '44' }),
      indexRow({ call_id: s.singleRecordingCallId, file_name: s.recordings[3] as string, call_type: null }),
    ]);
  }, 60_000);

  afterAll(() => h?.close());

  it('lists a call\'s recordings by beginTime then fileName, with every index field, and plays them', async () => {
    const s = h.sim.samples;
    const answer = await h.query<{ call: { callId: string; recordings: Array<RecordingFields & { playback: { url: string } | null }> } }>(
      `query($id: ID!) { call(callId: $id) { callId recordings { ${FIELDS} playback { url } } } }`,
      { id: s.multiRecordingCallId },
    );
    expect(answer.errors).toBeUndefined();
    const recordings = answer.data?.call.recordings ?? [];
    expect(recordings.map((r) => r.fileName)).toEqual([multi[2], multi[0], multi[1]]);
    expect(recordings[0]).toEqual({
      fileName: multi[2],
      indexed: true,
      call: { callId: s.multiRecordingCallId },
      agentId: '103',
      callerNumber: '5550100',
      calleeNumber: '13900000002',
      beginTime: iso(T),
      endTime: iso(T + 30_000),
      callType: 8,
      direction: 'OUTBOUND',
      mediaType: '2',
      ccId: '7',
      vdnId: '12',
      skillId: '44',
      playback: { url: expect.stringContaining('/media/') },
    });
    expect(recordings.map((r) => r.agentId)).toEqual(['103', '101', '102']);
  });

  it('answers [] for a call the index does not hold', async () => {
    const answer = await h.query<{ call: { recordings: unknown[] } }>(`{ call(callId: "${h.sim.samples.unknownCallId}") { recordings { fileName } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.call.recordings).toEqual([]);
  });

  it('names recordingsDownload .zip when the index holds several recordings of the call, .wav for one or none', async () => {
    const s = h.sim.samples;
    const answer = await h.query<Record<string, { recordingsDownload: { fileName: string } }>>(`{
      multi: call(callId: "${s.multiRecordingCallId}") { recordingsDownload { fileName } }
      otherCc: call(callId: "${s.multiRecordingCallId}") { recordingsDownload(ccId: "2") { fileName } }
      single: call(callId: "${s.singleRecordingCallId}") { recordingsDownload { fileName } }
      unknown: call(callId: "${s.unknownCallId}") { recordingsDownload { fileName } } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.['multi']?.recordingsDownload.fileName).toBe(`${s.multiRecordingCallId}.zip`);
    // Rows of call center 1 and 7: call center 2 has none of them.
    expect(answer.data?.['otherCc']?.recordingsDownload.fileName).toBe(`${s.multiRecordingCallId}.wav`);
    expect(answer.data?.['single']?.recordingsDownload.fileName).toBe(`${s.singleRecordingCallId}.wav`);
    expect(answer.data?.['unknown']?.recordingsDownload.fileName).toBe(`${s.unknownCallId}.wav`);
  });

  it('gives a recording named by either spelling its index row, and all nulls to one the index does not hold', async () => {
    const s = h.sim.samples;
    const backslashed = (multi[2] as string).replace(/\//g, '\\');
    const answer = await h.query<{ recordings: RecordingFields[] }>(`query($f: [String!]!) { recordings(fileNames: $f) { ${FIELDS} } }`, {
      f: [backslashed, s.recordings[3], s.recordings[40]],
    });
    expect(answer.errors).toBeUndefined();
    const [byBackslash, single, unknown] = answer.data?.recordings ?? [];
    expect(byBackslash).toMatchObject({ fileName: backslashed, indexed: true, agentId: '103', call: { callId: s.multiRecordingCallId }, direction: 'OUTBOUND' });
    expect(single).toMatchObject({ indexed: true, callType: null, direction: 'UNKNOWN', call: { callId: s.singleRecordingCallId } });
    expect(unknown).toEqual({
      fileName: s.recordings[40],
      indexed: false,
      call: null,
      agentId: null,
      callerNumber: null,
      calleeNumber: null,
      beginTime: null,
      endTime: null,
      callType: null,
      direction: null,
      mediaType: null,
      ccId: null,
      vdnId: null,
      skillId: null,
    });
  });
});

describe.each(DATABASE_KINDS)('one query per batch on %s', (kind: DatabaseKind) => {
  let h: IndexStack;
  const CALLS = 40;
  const callIds = Array.from({ length: CALLS }, (_, i) => `1795000000-${i}`);
  const fileNameOf = (call: number, part: number) => `Y:/1/0/20261120/${101 + (call % 5)}/${3000000 + call * 2 + part}.V3`;

  beforeAll(async () => {
    h = await startIndexStack(kind, databases);
    await h.seed(
      callIds.flatMap((callId, i) => [
        indexRow({ call_id: callId, file_name: fileNameOf(i, 0), begin_time: T + i * 1000 }),
        indexRow({ call_id: callId, file_name: fileNameOf(i, 1), begin_time: T + i * 1000 + 500 }),
      ]),
    );
  }, 60_000);

  afterAll(() => h?.close());

  async function queriesFor(query: string, variables?: Record<string, unknown>): Promise<{ queries: number; data: unknown }> {
    const before = await h.readQueries();
    const answer = await h.query(query, variables);
    expect(answer.errors).toBeUndefined();
    return { queries: (await h.readQueries()) - before, data: answer.data };
  }

  it('_entities of 40 Calls with their recordings, nested Call.recordings included: one query', async () => {
    const representations = callIds.map((callId) => ({ __typename: 'Call', callId }));
    const { queries, data } = await queriesFor(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Call { callId recordings {
         fileName agentId beginTime direction indexed call { callId recordings { fileName } } } } } }`,
      { r: representations },
    );
    expect(queries).toBe(1);
    const entities = (data as { _entities: Array<{ callId: string; recordings: Array<{ fileName: string; call: { recordings: unknown[] } }> }> })._entities;
    expect(entities).toHaveLength(CALLS);
    expect(entities.every((call, i) => call.recordings.length === 2 && call.recordings[0]?.fileName === fileNameOf(i, 0))).toBe(true);
    expect(entities.every((call) => call.recordings.every((r) => r.call.recordings.length === 2))).toBe(true);
  });

  it('80 recordings by file name with their calls\' recordings: one query by file name, one by call id', async () => {
    const names = callIds.flatMap((_, i) => [fileNameOf(i, 0), fileNameOf(i, 1).replace(/\//g, '\\')]);
    const { queries, data } = await queriesFor(
      `query($f: [String!]!) { recordings(fileNames: $f) { fileName indexed agentId callerNumber skillId call { callId recordings { fileName indexed } } } }`,
      { f: names },
    );
    expect(queries).toBe(2);
    const recordings = (data as { recordings: Array<{ indexed: boolean; call: { recordings: unknown[] } }> }).recordings;
    expect(recordings).toHaveLength(names.length);
    expect(recordings.every((r) => r.indexed && r.call.recordings.length === 2)).toBe(true);
  });

  it('recordingsDownload of 40 calls beside their recordings: still one query', async () => {
    const representations = callIds.map((callId) => ({ __typename: 'Call', callId }));
    const { queries, data } = await queriesFor(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Call { recordingsDownload { fileName } recordings { fileName } } } }`,
      { r: representations },
    );
    expect(queries).toBe(1);
    const entities = (data as { _entities: Array<{ recordingsDownload: { fileName: string } }> })._entities;
    expect(entities.every((call, i) => call.recordingsDownload.fileName === `${callIds[i]}.zip`)).toBe(true);
  });
});

describe.each(DATABASE_KINDS)('a failing database on %s', (kind: DatabaseKind) => {
  let h: IndexStack;

  beforeAll(async () => {
    h = await startIndexStack(kind, databases);
    await h.seed([indexRow({ call_id: h.sim.samples.multiRecordingCallId, file_name: h.sim.samples.multiRecordingFileNames[0] as string })]);
    // The table the read side needs is gone: every read now fails inside the database.
    await sql`drop table recording`.execute(h.database.handle.db);
  }, 60_000);

  afterAll(() => h?.close());

  it('is DATABASE_UNAVAILABLE at the field, with a message that shows nothing of the database', async () => {
    const s = h.sim.samples;
    // Each query separately: both fields are non-null, so one error nulls the whole answer.
    for (const [query, path] of [
      [`{ call(callId: "${s.multiRecordingCallId}") { recordings { fileName } } }`, ['call', 'recordings']],
      [`{ recording(fileName: "${s.recordings[5]}") { fileName indexed } }`, ['recording', 'indexed']],
      [`{ recordings(fileNames: ["${s.recordings[5]}"]) { fileName agentId } }`, ['recordings', 0, 'agentId']],
    ] as const) {
      const answer = await h.query(query);
      expect(answer.status).toBe(200);
      expect(answer.errors).toHaveLength(1);
      const [error] = answer.errors ?? [];
      expect(error?.path).toEqual(path);
      expect(error?.extensions).toEqual({ code: 'DATABASE_UNAVAILABLE', retryable: true });
      expect(error?.message).toBe('The recording index database failed or could not be reached; retry later.');
    }
  });

  it('still mints recordingsDownload, with the likely .wav', async () => {
    const s = h.sim.samples;
    const answer = await h.query<{ call: { recordingsDownload: { fileName: string; url: string } } }>(
      `{ call(callId: "${s.multiRecordingCallId}") { recordingsDownload { fileName url } } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.call.recordingsDownload.fileName).toBe(`${s.multiRecordingCallId}.wav`);
  });
});
