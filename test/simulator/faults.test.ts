import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { startSimulator, type Simulator, type StreamClosedEvent } from '../../src/simulator/simulator.js';
import { bytesOf, ccfsJson, ccfsPost, gatewayCall, playVoiceUrl, requestToken, signIn } from './helpers.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.clearFaults();
  sim.resetCounters();
});

function nextStreamClosed(target: Simulator): Promise<StreamClosedEvent> {
  return once(target.events, 'streamClosed').then(([event]) => event as StreamClosedEvent);
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('injected faults', () => {
  it('resultCode: the CC-FS envelope once, then the real answer', async () => {
    sim.inject('requestPlayVoice', { type: 'resultCode', code: '0300011' });
    const fileName = sim.samples.recordings[0];
    expect(await ccfsJson(sim, 'requestPlayVoice', { fileName })).toEqual({
      resultData: null,
      resultCode: '0300011',
      resultDesc: 'The file does not exist.',
      response: { version: '2.0', resultCode: '0300011', resultMsg: 'The file does not exist.' },
    });
    expect((await ccfsJson(sim, 'requestPlayVoice', { fileName }))['resultCode']).toBe('0');
    expect(sim.counters.faultsApplied).toBe(1);
    expect(sim.counters.calls.requestPlayVoice).toBe(2);
  });

  it('resultCode on the gateway: retcode JSON', async () => {
    sim.inject('login', { type: 'resultCode', code: '100-003', desc: 'ProviderUnavailable' });
    const res = await gatewayCall(sim, 'PUT', `/onlineagent/${sim.credentials.agentId}`, { body: { password: sim.credentials.password } });
    expect(await res.json()).toEqual({ message: 'ProviderUnavailable', retcode: '100-003', result: '' });
  });

  it('http: the status with a Spring error body', async () => {
    sim.inject('downloadRecord', { type: 'http', status: 502 });
    const res = await ccfsPost(sim, 'downloadRecord', { callId: sim.samples.singleRecordingCallId });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ status: 502, error: 'Bad Gateway', path: '/CCFS/resource/ccfs/downloadRecord' });
  });

  it('flowControl: 0300008 on downloads, 0300009 on requestPlayVoice, 000-007 on the gateway', async () => {
    sim.inject('downloadAgentOprInfoFile', { type: 'flowControl' });
    sim.inject('requestPlayVoice', { type: 'flowControl' });
    sim.inject('videofiledownload', { type: 'flowControl' });
    expect((await ccfsJson(sim, 'downloadAgentOprInfoFile', { agentOprInfoFileName: sim.samples.agentOperationIndexes[0] }))['resultCode']).toBe('0300008');
    expect((await ccfsJson(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }))['resultCode']).toBe('0300009');
    const res = await gatewayCall(sim, 'GET', `/recordfile/${sim.credentials.agentId}/videofiledownload?conferenceId=x&fileType=0`);
    expect(((await res.json()) as { retcode: string }).retcode).toBe('000-007');
  });

  it('jsonAsBinary: a JSON error labelled application/octet-stream', async () => {
    sim.inject('downloadRecord', { type: 'jsonAsBinary' });
    const res = await ccfsPost(sim, 'downloadRecord', { callId: sim.samples.singleRecordingCallId });
    expect(res.headers.get('content-type')).toBe('application/octet-stream;charset=UTF-8');
    expect(await res.json()).toMatchObject({ resultCode: '0300011' });
    sim.inject('playVoice', { type: 'jsonAsBinary', code: '010106' });
    const token = await requestToken(sim, sim.samples.recordings[0] ?? '');
    const play = await fetch(playVoiceUrl(sim, token));
    expect(play.headers.get('content-type')).toBe('application/octet-stream;charset=UTF-8');
    expect(await play.json()).toMatchObject({ resultCode: '010106', resultData: null });
  });

  it('reset: the connection dies before any byte', async () => {
    sim.inject('requestPlayVoice', { type: 'reset' });
    await expect(ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] })).rejects.toThrow();
    expect((await ccfsJson(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }))['resultCode']).toBe('0');
  });

  it('truncate: full Content-Length, then the connection ends after N bytes', async () => {
    sim.inject('downloadRecord', { type: 'truncate', afterBytes: 1000 });
    const closed = nextStreamClosed(sim);
    const res = await ccfsPost(sim, 'downloadRecord', { fileName: sim.samples.recordings[5] });
    const fullSize = (await sim.fileBytes(sim.samples.recordings[5] ?? '')).length;
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBe(fullSize);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(await closed).toMatchObject({ endpoint: 'downloadRecord', status: 200, bytesSent: 1000, completed: false });
  });

  it('truncate on a JSON answer: the client sees a broken body', async () => {
    sim.inject('requestPlayVoice', { type: 'truncate', afterBytes: 10 });
    const res = await ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('truncate after 0 bytes: headers only', async () => {
    sim.inject('recordfiledownloadEx', { type: 'truncate', afterBytes: 0 });
    const guid = await signIn(sim, true);
    const res = await gatewayCall(sim, 'GET', `/recordfile/${sim.credentials.agentId}/recordfiledownloadEx?callId=${sim.samples.singleRecordingCallId}`, { guid });
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('hang: no answer until the client gives up; in-flight and peak counters follow', async () => {
    sim.inject('downloadRecord', { type: 'hang' }, { times: 3 });
    const controller = new AbortController();
    const pending = [1, 2, 3].map(() => ccfsPost(sim, 'downloadRecord', { callId: sim.samples.singleRecordingCallId }, { signal: controller.signal }));
    await waitFor(() => sim.counters.inFlight.downloadRecord === 3);
    const closed = nextStreamClosed(sim);
    controller.abort();
    for (const request of pending) await expect(request).rejects.toThrow();
    expect(await closed).toMatchObject({ endpoint: 'downloadRecord', status: 0, bytesSent: 0, completed: false });
    await waitFor(() => sim.counters.inFlight.downloadRecord === 0);
    expect(sim.counters.peakInFlight.downloadRecord).toBe(3);
  });

  it('times: Infinity applies until clearFaults', async () => {
    sim.inject('requestPlayVoice', { type: 'resultCode', code: '0300009' }, { times: Infinity });
    for (let i = 0; i < 3; i += 1) expect((await ccfsJson(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }))['resultCode']).toBe('0300009');
    sim.clearFaults();
    expect((await ccfsJson(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }))['resultCode']).toBe('0');
  });

  it('rejects malformed faults', () => {
    expect(() => sim.inject('login', { type: 'truncate', afterBytes: -1 })).toThrow(/afterBytes/);
    expect(() => sim.inject('nope' as 'login', { type: 'reset' })).toThrow(/unknown simulator endpoint/);
  });
});

describe('knobs and control surface', () => {
  it('adds per-endpoint latency before answering', async () => {
    sim.knobs.latencyByEndpoint.requestPlayVoice = 150;
    try {
      const started = Date.now();
      expect((await ccfsJson(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }))['resultCode']).toBe('0');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      sim.knobs.latencyByEndpoint = {};
    }
  });

  it('honourRange=false answers 200 with the whole file', async () => {
    sim.knobs.honourRange = false;
    try {
      const res = await ccfsPost(sim, 'downloadRecord', { fileName: sim.samples.recordings[2] }, { range: 'bytes=0-9' });
      expect(res.status).toBe(200);
      expect(res.headers.get('accept-ranges')).toBeNull();
      expect((await bytesOf(res)).length).toBe((await sim.fileBytes(sim.samples.recordings[2] ?? '')).length);
    } finally {
      sim.knobs.honourRange = true;
    }
  });

  it('GET state, POST inject / knobs / reset over HTTP, without secrets', async () => {
    const inject = await fetch(`${sim.url}/__simulator/inject`, {
      method: 'POST',
      body: JSON.stringify({ endpoint: 'requestPlayVoice', fault: { type: 'http', status: 500 }, times: 'Infinity' }),
    });
    expect(inject.status).toBe(200);
    expect((await ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] })).status).toBe(500);
    const bad = await fetch(`${sim.url}/__simulator/inject`, { method: 'POST', body: JSON.stringify({ endpoint: 'x', fault: { type: 'reset' } }) });
    expect(bad.status).toBe(400);

    const stateText = await (await fetch(`${sim.url}/__simulator/state`)).text();
    expect(stateText).not.toContain(sim.credentials.secretKey);
    expect(stateText).not.toContain(sim.credentials.password);
    const state = JSON.parse(stateText) as { counters: { calls: Record<string, number> }; samples: { recordings: string[] }; faults: unknown[] };
    expect(state.counters.calls['requestPlayVoice']).toBe(1);
    expect(state.samples.recordings).toHaveLength(250);
    expect(state.faults).toHaveLength(1);

    expect((await fetch(`${sim.url}/__simulator/knobs`, { method: 'POST', body: JSON.stringify({ latencyMs: 5, bytesPerSecond: 1e9 }) })).status).toBe(200);
    expect(sim.knobs).toMatchObject({ latencyMs: 5, bytesPerSecond: 1e9 });
    expect((await fetch(`${sim.url}/__simulator/reset`, { method: 'POST' })).status).toBe(200);
    expect(sim.knobs.latencyMs).toBe(0);
    expect(sim.knobs.bytesPerSecond).toBeUndefined();
    expect((await ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] })).status).toBe(200);
    expect(sim.counters.calls.requestPlayVoice).toBe(1);
  });

  it('answers 404 / 405 with Spring bodies for unknown paths and methods', async () => {
    const missing = await fetch(`${sim.url}/CCFS/resource/ccfs/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, error: 'Not Found', path: '/CCFS/resource/ccfs/nothing' });
    const wrongMethod = await fetch(`${sim.url}/CCFS/resource/ccfs/requestPlayVoice`);
    expect(wrongMethod.status).toBe(405);
  });
});
