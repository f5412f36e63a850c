/**
 * Call.recordings through a real @apollo/gateway, on SQLite and PostgreSQL: the companion subgraph
 * owns Query.calls, the gateway resolves the media fields with one `_entities` request to this
 * subgraph, which reads the index rows of every call in one query and plays them through the
 * simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CALLS_SUBGRAPH_SDL, startCallsSubgraph, type CallsSubgraph } from '../../support/calls-subgraph.js';
import { DATABASE_KINDS, testDatabases, type DatabaseKind } from '../../support/databases.js';
import { startGateway, type RunningGateway } from '../../support/gateway.js';
import { indexRow, startIndexStack, type IndexStack } from './index-stack.js';

const databases = testDatabases();
afterAll(() => databases.cleanup());

const T = Date.UTC(2026, 10, 20, 9, 0, 0);

describe.each(DATABASE_KINDS)('Call.recordings in a supergraph on %s', (kind: DatabaseKind) => {
  let h: IndexStack;
  let companion: CallsSubgraph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    h = await startIndexStack(kind, databases);
    const s = h.sim.samples;
    await h.seed([
      ...s.multiRecordingFileNames.map((fileName, i) =>
        indexRow({ call_id: s.multiRecordingCallId, file_name: fileName, begin_time: T + (2 - i) * 60_000, agent_id: String(101 + i), call_type: 0 }),
      ),
      indexRow({ call_id: s.singleRecordingCallId, file_name: s.recordings[3] as string, begin_time: T, agent_id: '104', call_type: 7 }),
    ]);
    companion = await startCallsSubgraph(
      [s.multiRecordingCallId, s.singleRecordingCallId, s.unknownCallId].map((callId) => ({ callId, reviewedRecordings: [], videos: [], operationIndex: null })),
    );
    gateway = await startGateway([
      { name: 'media', url: h.server.graphqlUrl },
      { name: 'calls', url: companion.url, typeDefs: CALLS_SUBGRAPH_SDL },
    ]);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await companion?.stop();
    await h?.close();
  });

  it('answers each call\'s indexed recordings, playable, in one database query for the whole batch', async () => {
    const s = h.sim.samples;
    h.sim.resetCounters();
    const queries = await h.readQueries();
    type Result = {
      calls: Array<{
        callId: string;
        recordingsDownload: { fileName: string };
        recordings: Array<{ fileName: string; beginTime: string; agentId: string; direction: string; call: { callId: string }; playback: { url: string } | null }>;
      }>;
    };
    const answer = await gateway.query<Result>(`{ calls { callId recordingsDownload { fileName }
      recordings { fileName beginTime agentId direction call { callId } playback { url } } } }`);
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const [multi, single, unknown] = answer.data?.calls ?? [];

    expect(multi?.recordings.map((r) => r.fileName)).toEqual([...s.multiRecordingFileNames].reverse());
    expect(multi?.recordings.map((r) => r.agentId)).toEqual(['103', '102', '101']);
    expect(multi?.recordings.every((r) => r.direction === 'INBOUND' && r.call.callId === s.multiRecordingCallId && r.playback !== null)).toBe(true);
    expect(multi?.recordings[0]?.beginTime).toBe('2026-11-20T09:00:00Z');
    expect(multi?.recordingsDownload.fileName).toBe(`${s.multiRecordingCallId}.zip`);

    expect(single?.recordings).toEqual([
      expect.objectContaining({ fileName: s.recordings[3], agentId: '104', direction: 'OUTBOUND', beginTime: '2026-11-20T09:00:00Z' }),
    ]);
    expect(single?.recordingsDownload.fileName).toBe(`${s.singleRecordingCallId}.wav`);
    expect(unknown?.recordings).toEqual([]);

    // The gateway sent one _entities request; its three calls cost one query, its four recordings four tokens.
    expect((await h.readQueries()) - queries).toBe(1);
    expect(h.sim.counters.calls.requestPlayVoice).toBe(4);
  });

  it('resolves a Recording referenced by another subgraph to its index row', async () => {
    const s = h.sim.samples;
    await companion.stop();
    companion = await startCallsSubgraph([
      { callId: s.unknownCallId, reviewedRecordings: [{ fileName: (s.recordings[3] as string).replace(/\//g, '\\') }, { fileName: s.recordings[9] as string }], videos: [], operationIndex: null },
    ]);
    await gateway.stop();
    gateway = await startGateway([
      { name: 'media', url: h.server.graphqlUrl },
      { name: 'calls', url: companion.url, typeDefs: CALLS_SUBGRAPH_SDL },
    ]);
    const answer = await gateway.query<{ calls: Array<{ reviewedRecordings: Array<{ indexed: boolean; call: { callId: string; recordings: Array<{ fileName: string }> } | null }> }> }>(
      `{ calls { reviewedRecordings { indexed call { callId recordings { fileName } } } } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.calls[0]?.reviewedRecordings).toEqual([
      { indexed: true, call: { callId: s.singleRecordingCallId, recordings: [{ fileName: s.recordings[3] }] } },
      { indexed: false, call: null },
    ]);
  });
});
