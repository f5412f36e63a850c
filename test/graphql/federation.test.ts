/**
 * A real supergraph: this subgraph (its SDL as published by `_service { sdl }`) composed with a
 * test-only companion subgraph that owns `Query.calls` and references Recording, VideoRecording and
 * AgentOperationIndex by key; a real @apollo/gateway in front of both, over HTTP.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import { composeServices } from '@apollo/composition';
import { CALLS_SUBGRAPH_SDL, startCallsSubgraph, type CallsSubgraph, type CompanionCall } from '../support/calls-subgraph.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

let h: Subgraph;
let companion: CallsSubgraph;
let gateway: RunningGateway;
let calls: CompanionCall[];

async function gatewayQuery<T>(query: string, variables?: Record<string, unknown>) {
  const answer = await gateway.query<T>(query, variables);
  expect(answer.status).toBe(200);
  return answer;
}

beforeAll(async () => {
  h = await startSubgraph();
  const s = h.sim.samples;
  calls = [
    {
      callId: s.singleRecordingCallId,
      reviewedRecordings: [{ fileName: s.recordings[0] as string }, { fileName: (s.recordings[1] as string).replace(/\//g, '\\') }],
      videos: [s.conference],
      operationIndex: { fileName: s.agentOperationIndexes[0] as string },
    },
    {
      callId: s.multiRecordingCallId,
      reviewedRecordings: [...s.multiRecordingFileNames.map((fileName) => ({ fileName })), { fileName: 'Y:/1/0/20261120/101/9999999.V3' }],
      videos: [],
      operationIndex: null,
    },
  ];
  companion = await startCallsSubgraph(calls);
  // Our SDL as published by `_service { sdl }`; the gateway fails to start when composition has errors.
  gateway = await startGateway([
    { name: 'media', url: h.server.graphqlUrl },
    { name: 'calls', url: companion.url, typeDefs: CALLS_SUBGRAPH_SDL },
  ]);
});

afterAll(async () => {
  await gateway?.stop();
  await companion?.stop();
  await h?.close();
});

describe('supergraph', () => {
  it('composes the published SDL with no errors', () => {
    const result = composeServices([
      { name: 'media', url: 'http://media/graphql', typeDefs: parse(readFileSync(new URL('../../schema/subgraph.graphql', import.meta.url), 'utf8')) },
      { name: 'calls', url: 'http://calls/graphql', typeDefs: CALLS_SUBGRAPH_SDL },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.supergraphSdl).toContain('join__Graph');
  });

  it('answers cross-subgraph queries with the media fields', async () => {
    type Result = {
      calls: Array<{
        callId: string;
        recordingsDownload: { fileName: string; url: string } | null;
        gatewayRecording: { fileName: string } | null;
        reviewedRecordings: Array<{ fileName: string; playback: { token: string; url: string } | null; download: { fileName: string } | null }>;
        videos: Array<{ conferenceId: string; download: { fileName: string } | null }>;
        operationIndex: { date: string; operations: { totalCount: number; nodes: Array<{ agentId: string; opTypeName: string | null }> } } | null;
      }>;
    };
    h.sim.resetCounters();
    const result = await gatewayQuery<Result>(`{
      calls {
        callId
        recordingsDownload { fileName url }
        gatewayRecording { fileName }
        reviewedRecordings { fileName playback { token url } download { fileName } }
        videos { conferenceId download(quality: SD) { fileName } }
        operationIndex { date operations(first: 3) { totalCount nodes { agentId opTypeName } } }
      }
    }`);

    const [single, multi] = result.data?.calls ?? [];
    const s = h.sim.samples;
    expect(single?.callId).toBe(s.singleRecordingCallId);
    expect(single?.recordingsDownload?.fileName).toBe(`${s.singleRecordingCallId}.wav`);
    expect(single?.recordingsDownload?.url.startsWith(h.config.publicBaseUrl)).toBe(true);
    expect(single?.gatewayRecording?.fileName).toBe(`${s.singleRecordingCallId}.wav`);
    expect(single?.reviewedRecordings.map((r) => r.fileName)).toEqual(calls[0]?.reviewedRecordings.map((r) => r.fileName));
    expect(single?.reviewedRecordings.every((r) => r.playback !== null && r.download !== null)).toBe(true);
    expect(single?.videos[0]?.download?.fileName).toBe(`${s.conference.conferenceId}-${s.conference.recordId}-sd.mp4`);
    expect(single?.operationIndex?.operations.totalCount).toBeGreaterThan(0);
    expect(single?.operationIndex?.operations.nodes).toHaveLength(3);

    expect(multi?.reviewedRecordings).toHaveLength(s.multiRecordingFileNames.length + 1);
    expect(multi?.reviewedRecordings.slice(0, -1).every((r) => r.playback !== null)).toBe(true);
    expect(multi?.reviewedRecordings.at(-1)).toMatchObject({ playback: null, download: null });
    expect(multi?.operationIndex).toBeNull();

    // The unknown file fails alone, with the subgraph's codes passed through the gateway.
    expect(result.errors?.length).toBe(2);
    for (const error of result.errors ?? []) {
      expect(error.extensions?.code).toBe('CC_FILE_NOT_FOUND');
      expect(error.extensions?.ccResultCode).toBe('0300011');
      expect(error.path?.slice(0, 3)).toEqual(['calls', 1, 'reviewedRecordings']);
    }
    // One requestPlayVoice per distinct file across the whole entity batch.
    const distinct = new Set([...(calls[0]?.reviewedRecordings ?? []), ...(calls[1]?.reviewedRecordings ?? [])].map((r) => r.fileName.replace(/\\/g, '/')));
    expect(h.sim.counters.calls.requestPlayVoice).toBe(distinct.size);
  });
});
