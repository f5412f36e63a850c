/** The GraphQL operations of the load test: all valid, so every error is unexpected. */
import type { SampleIds } from '../../src/simulator/types.js';

export interface Operation {
  name: string;
  query: string;
  variables: () => Record<string, unknown>;
  /** Throws when the answer is not a complete, error-free one. */
  check: (data: Record<string, unknown>) => void;
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function nonEmptyList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${what}: empty`);
  return value;
}

export function loadOperations(samples: SampleIds): Operation[] {
  // 60 recordings: their first requests need requestPlayVoice, later ones come from the token cache.
  const recordings = samples.recordings.slice(0, 60);
  return [
    {
      name: 'recordings',
      query: 'query Q($f: [String!]!) { recordings(fileNames: $f) { fileName playback { token expiresAt url } download { url fileName } } }',
      variables: () => ({ f: Array.from({ length: 5 }, () => pick(recordings)) }),
      check: (data) => {
        for (const r of nonEmptyList(data.recordings, 'recordings') as Array<{ playback?: { url?: string }; download?: { url?: string } }>) {
          if (!r.playback?.url || !r.download?.url) throw new Error('recordings: a recording without links');
        }
      },
    },
    {
      name: '_entities',
      query: 'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Recording { fileName playback { url } } } }',
      variables: () => ({ r: Array.from({ length: 10 }, () => ({ __typename: 'Recording', fileName: pick(recordings) })) }),
      check: (data) => {
        for (const e of nonEmptyList(data._entities, '_entities') as Array<{ playback?: { url?: string } }>) {
          if (!e.playback?.url) throw new Error('_entities: a recording without playback');
        }
      },
    },
    {
      name: 'call',
      query: 'query C($id: ID!) { call(callId: $id) { callId recordingsDownload { url fileName } gatewayRecording { url } } }',
      variables: () => ({ id: pick([samples.singleRecordingCallId, samples.multiRecordingCallId]) }),
      check: (data) => {
        const call = data.call as { recordingsDownload?: { url?: string }; gatewayRecording?: { url?: string } };
        if (!call.recordingsDownload?.url || !call.gatewayRecording?.url) throw new Error('call: links missing');
      },
    },
    {
      name: 'agentOperationIndex',
      query: 'query A($f: String!) { agentOperationIndex(fileName: $f) { date operations(first: 20) { totalCount nodes { id opType } pageInfo { hasNextPage } } } }',
      variables: () => ({ f: pick(samples.agentOperationIndexes) }),
      check: (data) => {
        const index = data.agentOperationIndex as { operations?: { totalCount?: number } };
        if (!(Number(index.operations?.totalCount) > 0)) throw new Error('agentOperationIndex: no operations');
      },
    },
    {
      name: 'videoRecording',
      query: 'query V($c: ID!, $r: ID!) { videoRecording(conferenceId: $c, recordId: $r) { download(quality: SD) { url } } }',
      variables: () => ({ c: samples.conference.conferenceId, r: samples.conference.recordId }),
      check: (data) => {
        if (!(data.videoRecording as { download?: { url?: string } }).download?.url) throw new Error('videoRecording: no link');
      },
    },
  ];
}
