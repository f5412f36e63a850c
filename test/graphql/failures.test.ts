/** Configurations that fail: no CC-Gateway configured, and a CC-FS that cannot be reached. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';

describe('without a CC-Gateway', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph({ withGateway: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers CC_GATEWAY_NOT_CONFIGURED on gateway fields only', async () => {
    const { singleRecordingCallId, conference } = h.sim.samples;
    const result = await h.query<{ call: Record<string, unknown>; videoRecording: Record<string, unknown> }>(
      `query($c: ID!, $conf: ID!, $rec: ID!) {
        call(callId: $c) { callId recordingsDownload { fileName } gatewayRecording { url } gatewayVideo(hwFileName: "Y:/90/0/20210519/4977/1642329.mp4") { url } }
        videoRecording(conferenceId: $conf, recordId: $rec) { recordId download { url } }
      }`,
      { c: singleRecordingCallId, conf: conference.conferenceId, rec: conference.recordId },
    );
    expect(result.data).toEqual({
      call: { callId: singleRecordingCallId, recordingsDownload: { fileName: `${singleRecordingCallId}.wav` }, gatewayRecording: null, gatewayVideo: null },
      videoRecording: { recordId: conference.recordId, download: null },
    });
    expect(result.errors?.map((error) => [error.path?.join('.'), error.extensions?.code]).sort()).toEqual([
      ['call.gatewayRecording', 'CC_GATEWAY_NOT_CONFIGURED'],
      ['call.gatewayVideo', 'CC_GATEWAY_NOT_CONFIGURED'],
      ['videoRecording.download', 'CC_GATEWAY_NOT_CONFIGURED'],
    ]);
  });
});

describe('with an unreachable CC-FS', () => {
  let h: Subgraph;
  beforeAll(async () => {
    h = await startSubgraph({ unreachableCcfs: true, withGateway: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers CC_UNAVAILABLE for the fields that need it', async () => {
    const result = await h.query(`query($f: String!) { recording(fileName: $f) { fileName playback { token } download { url } } }`, {
      f: 'Y:/1/0/20261120/101/1000000.V3',
    });
    expect(result.data).toEqual({ recording: { fileName: 'Y:/1/0/20261120/101/1000000.V3', playback: null, download: null } });
    expect(result.errors).toHaveLength(2);
    // operations is non-null: its null reaches the nullable _entities item (as through a router).
    const index = await h.query(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on AgentOperationIndex { date operations { totalCount } } } }`,
      { r: [{ __typename: 'AgentOperationIndex', fileName: '20261120_abc.zip' }] },
    );
    expect(index.data).toEqual({ _entities: [null] });
    const errors = [...(result.errors ?? []), ...(index.errors ?? [])];
    expect(errors).toHaveLength(3);
    expect(errors.every((error) => error.extensions?.code === 'CC_UNAVAILABLE')).toBe(true);
    expect(JSON.stringify(errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
