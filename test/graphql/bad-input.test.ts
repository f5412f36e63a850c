/** Every bad input of the contract is BAD_USER_INPUT, refused before any upstream call. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSubgraph, type Subgraph } from '../support/subgraph.js';
import { callsTo } from '../support/simulator.js';

let h: Subgraph;

beforeAll(async () => {
  h = await startSubgraph({ env: { MEDIA_LINK_MAX_TTL_SECONDS: '3600' } });
});

afterAll(async () => {
  await h?.close();
});

const R = 'Y:/1/0/20261120/101/1000000.V3';
const INDEX = '20261120_abc123.zip';
const long = (n: number) => 'x'.repeat(n);

const CASES: Array<[string, string, Record<string, unknown>]> = [
  ['empty fileName', 'query($f: String!) { recording(fileName: $f) { playback { token } } }', { f: '' }],
  ['fileName over 225 characters', 'query($f: String!) { recording(fileName: $f) { playback { token } } }', { f: `Y:/${long(223)}` }],
  ['control character in fileName', 'query($f: String!) { recording(fileName: $f) { download { url } } }', { f: 'Y:/1/0/a\u0007.V3' }],
  ['.. segment in fileName', 'query($f: String!) { recording(fileName: $f) { playback { token } } }', { f: 'Y:/1/../../etc/passwd' }],
  ['.. segment (backslashes) in fileNames', 'query($f: [String!]!) { recordings(fileNames: $f) { playback { token } } }', { f: [R, 'Y:\\..\\x.V3'] }],
  ['empty name in fileNames', 'query($f: [String!]!) { recordings(fileNames: $f) { playback { token } } }', { f: [R, ''] }],
  ['callId over 25 characters', 'query($c: ID!) { call(callId: $c) { recordingsDownload { url } } }', { c: long(26) }],
  ['empty callId', 'query($c: ID!) { call(callId: $c) { recordingsDownload { url } } }', { c: '' }],
  ['control character in callId', 'query($c: ID!) { call(callId: $c) { recordingsDownload { url } } }', { c: '123\n456' }],
  ['ccId too long', 'query($c: ID!) { call(callId: $c) { recordingsDownload(ccId: "' + long(65) + '") { url } } }', { c: '1-1' }],
  ['workNo with a .. segment', 'query($c: ID!) { call(callId: $c) { gatewayRecording(workNo: "..") { url } } }', { c: '1-1' }],
  ['hwFileName with a .. segment', 'query($c: ID!) { call(callId: $c) { gatewayVideo(hwFileName: "Y:/../x.mp4") { url } } }', { c: '1-1' }],
  ['empty hwFileName', 'query($c: ID!) { call(callId: $c) { gatewayVideo(hwFileName: "") { url } } }', { c: '1-1' }],
  ['conferenceId with a control character', 'query { videoRecording(conferenceId: "a\\u0000b", recordId: "r") { download { url } } }', {}],
  ['recordId too long', `query { videoRecording(conferenceId: "c", recordId: "${long(65)}") { download { url } } }`, {}],
  ['index name without date', 'query { agentOperationIndex(fileName: "abc.zip") { date } }', {}],
  ['index name with an impossible date', 'query { agentOperationIndex(fileName: "20260230_abc.zip") { operations { totalCount } } }', {}],
  ['index name with dashes', 'query { agentOperationIndex(fileName: "20260220_ab-c.zip") { operations { totalCount } } }', {}],
  ['expiresInSeconds 0', 'query($f: String!) { recording(fileName: $f) { download(expiresInSeconds: 0) { url } } }', { f: R }],
  ['expiresInSeconds over the maximum', `query { agentOperationIndex(fileName: "${INDEX}") { download(expiresInSeconds: 3601) { url } } }`, {}],
  ['expiresInSeconds negative', 'query { call(callId: "1-1") { recordingsDownload(expiresInSeconds: -5) { url } } }', {}],
  ['video expiresInSeconds over the maximum', 'query { videoRecording(conferenceId: "c", recordId: "r") { download(expiresInSeconds: 999999) { url } } }', {}],
  ['first 0', `query { agentOperationIndex(fileName: "${INDEX}") { operations(first: 0) { totalCount } } }`, {}],
  ['first 1001', `query { agentOperationIndex(fileName: "${INDEX}") { operations(first: 1001) { totalCount } } }`, {}],
  ['a forged cursor', `query { agentOperationIndex(fileName: "${INDEX}") { operations(after: "bm90LWEtY3Vyc29y") { totalCount } } }`, {}],
  ['agentId filter too long', `query { agentOperationIndex(fileName: "${INDEX}") { operations(agentId: "${long(21)}") { totalCount } } }`, {}],
  ['callId filter over 25 characters', `query { agentOperationIndex(fileName: "${INDEX}") { operations(callId: "${long(26)}") { totalCount } } }`, {}],
  ['a bad entity representation', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Recording { playback { token } } } }', { r: [{ __typename: 'Recording', fileName: 'a/../b' }] }],
  ['a bad index representation', 'query($r: [_Any!]!) { _entities(representations: $r) { ... on AgentOperationIndex { operations { totalCount } } } }', { r: [{ __typename: 'AgentOperationIndex', fileName: '2026_x.zip' }] }],
];

describe('bad input', () => {
  it.each(CASES)('%s → BAD_USER_INPUT, no upstream call', async (_label, query, variables) => {
    h.sim.resetCounters();
    const result = await h.query(query, variables);
    expect(result.errors?.length).toBeGreaterThan(0);
    expect(result.errors?.every((error) => error.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    expect(callsTo(h.sim)).toBe(0);
  });

  it('names the argument and does not echo the value', async () => {
    const result = await h.query('query($f: String!) { recording(fileName: $f) { playback { token } } }', { f: `Y:/${'Q'.repeat(300)}` });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'fileName' });
    expect(result.errors?.[0]?.message).not.toContain('QQQQ');
  });

  it('still answers good siblings of a field refused for its arguments', async () => {
    const result = await h.query<{ call: { good: { fileName: string } | null; bad: unknown } }>(
      'query { call(callId: "1-1") { good: recordingsDownload { fileName } bad: recordingsDownload(expiresInSeconds: 0) { fileName } } }',
    );
    expect(result.data?.call).toEqual({ good: { fileName: '1-1.wav' }, bad: null });
    expect(result.errors?.[0]).toMatchObject({ path: ['call', 'bad'], extensions: { code: 'BAD_USER_INPUT' } });
  });
});
