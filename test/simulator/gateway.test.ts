import { afterEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/simulator.js';
import { bytesOf, gatewayCall, guidFrom, signIn, wavFormat } from './helpers.js';

const open: Simulator[] = [];
let now = Date.now();

async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  now = Date.now();
  const sim = await startSimulator({ clock: () => now, pollWaitMs: 50, ...options });
  open.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});

interface GatewayJson {
  retcode: string;
  message: string;
  result?: unknown;
  event?: { eventType: string; workNo: string } | null;
}

async function poll(sim: Simulator, guid: string | undefined): Promise<{ json: GatewayJson; newGuid: string | undefined }> {
  const res = await gatewayCall(sim, 'GET', `/agentevent/${sim.credentials.agentId}`, guid === undefined ? {} : { guid });
  expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  return { json: (await res.json()) as GatewayJson, newGuid: guidFrom(res) };
}

describe('CC-Gateway sign-in', () => {
  it('signs in with Set-GUID JSESSIONID=<uuid>.AgentGateway0 and the documented result', async () => {
    const sim = await simulator();
    const res = await gatewayCall(sim, 'PUT', `/onlineagent/${sim.credentials.agentId}`, {
      body: { password: sim.credentials.password, phonenum: sim.credentials.phone, status: '4' },
    });
    expect(res.headers.get('set-guid')).toMatch(/^JSESSIONID=[0-9a-f-]{36}\.AgentGateway0$/);
    expect(await res.json()).toMatchObject({
      retcode: '0',
      result: { vdnid: 1, workno: sim.credentials.agentId, mediatype: 'TTF', serverName: 'AgentGateway', isForceChange: 'false' },
    });
    expect(sim.isSignedIn()).toBe(true);
  });

  it('refuses a wrong password (100-004), a second sign-in (100-002), bad parameters (100-001 / 000-002)', async () => {
    const sim = await simulator();
    const agent = sim.credentials.agentId;
    const put = async (path: string, body: unknown): Promise<GatewayJson> => (await (await gatewayCall(sim, 'PUT', path, { body })).json()) as GatewayJson;
    expect((await put(`/onlineagent/${agent}`, { password: 'nope' })).retcode).toBe('100-004');
    expect((await put(`/onlineagent/${agent}`, { phonenum: '1' })).retcode).toBe('100-001');
    expect((await put(`/onlineagent/${agent}`, { password: sim.credentials.password, status: 9 })).retcode).toBe('100-001');
    expect((await put('/onlineagent/99', { password: sim.credentials.password })).retcode).toBe('000-002');
    const first = await signIn(sim);
    const second = await put(`/onlineagent/${agent}`, { password: sim.credentials.password });
    expect(second).toEqual({ message: 'the agent has signed in', retcode: '100-002', result: '' });
    const forced = await signIn(sim, true);
    expect(forced).not.toBe(first);
    expect((await poll(sim, first)).json.retcode).toBe('000-003');
    expect((await poll(sim, forced)).json.retcode).toBe('0');
  });

  it('queues the sign-in events and the poll answers them one by one, then waits and returns no event', async () => {
    const sim = await simulator();
    const guid = await signIn(sim);
    expect((await poll(sim, guid)).json.event?.eventType).toBe('AgentOther_InService');
    expect((await poll(sim, guid)).json.event).toEqual({ eventType: 'AgentState_Ready', workNo: sim.credentials.agentId, content: null });
    expect((await poll(sim, guid)).json).toEqual({ message: '', retcode: '0', event: null });
  });

  it('signs out with logout (Guid needed) and forcelogout', async () => {
    const sim = await simulator();
    const agent = sim.credentials.agentId;
    const guid = await signIn(sim);
    expect(await (await gatewayCall(sim, 'DELETE', `/onlineagent/${agent}/logout`, { guid: 'bogus' })).json()).toMatchObject({ retcode: '000-003' });
    expect(await (await gatewayCall(sim, 'DELETE', `/onlineagent/${agent}/logout`, { guid })).json()).toEqual({ message: '', retcode: '0' });
    expect(sim.isSignedIn()).toBe(false);
    expect((await poll(sim, guid)).json.retcode).toBe('100-006');
    await signIn(sim);
    expect(await (await gatewayCall(sim, 'DELETE', `/onlineagent/${agent}/forcelogout`)).json()).toEqual({ message: '', retcode: '0' });
    expect(await (await gatewayCall(sim, 'DELETE', `/onlineagent/${agent}/forcelogout`)).json()).toMatchObject({ retcode: '100-006' });
  });
});

describe('CC-Gateway Guid', () => {
  it('rotates the Guid on polls every guidIntervalMs (dynamic mode); the old one works until guidTimeoutMs', async () => {
    const sim = await simulator({ guidIntervalMs: 60_000, guidTimeoutMs: 120_000 });
    const seen = [await signIn(sim)];
    let guid = seen[0] ?? '';
    for (let rotation = 0; rotation < 3; rotation += 1) {
      now += 30_000;
      expect((await poll(sim, guid)).newGuid).toBeUndefined();
      now += 30_000;
      const answer = await poll(sim, guid);
      expect(answer.json.retcode).toBe('0');
      expect(answer.newGuid).toMatch(/^[0-9a-f-]{36}\.AgentGateway0$/);
      expect(seen).not.toContain(answer.newGuid);
      guid = answer.newGuid ?? '';
      seen.push(guid);
    }
    const previous = seen[seen.length - 2] ?? '';
    now += 119_999;
    expect((await poll(sim, previous)).json.retcode).toBe('0');
    now += 1;
    expect((await poll(sim, previous)).json).toEqual({ retcode: '000-003', message: 'no right to invite resource', result: '' });
  });

  it('rotates at once after rotateGuidNow, and never in static mode', async () => {
    const dynamic = await simulator();
    const guid = await signIn(dynamic);
    dynamic.rotateGuidNow();
    expect((await poll(dynamic, guid)).newGuid).toBeDefined();

    const fixed = await simulator({ guidMode: 'static' });
    const staticGuid = await signIn(fixed);
    fixed.rotateGuidNow();
    for (let i = 0; i < 3; i += 1) {
      now += 200_000 / 3;
      const answer = await poll(fixed, staticGuid);
      expect(answer.json.retcode).toBe('0');
      expect(answer.newGuid).toBeUndefined();
    }
  });

  it('expireGuids ⇒ 000-003 for every Guid; a forced sign-in recovers', async () => {
    const sim = await simulator();
    const guid = await signIn(sim);
    sim.expireGuids();
    expect((await poll(sim, guid)).json.retcode).toBe('000-003');
    expect((await poll(sim, undefined)).json.retcode).toBe('000-003');
    await expect(signIn(sim)).rejects.toThrow(/100-002/);
    const fresh = await signIn(sim, true);
    expect((await poll(sim, fresh)).json.retcode).toBe('0');
  });

  it('forceSignOut ⇒ 100-006 on the next calls, including a poll that was waiting', async () => {
    const sim = await simulator({ pollWaitMs: 5_000 });
    const guid = await signIn(sim);
    await poll(sim, guid);
    await poll(sim, guid);
    const waiting = poll(sim, guid);
    await new Promise((resolve) => setTimeout(resolve, 50));
    sim.forceSignOut();
    expect((await waiting).json.retcode).toBe('100-006');
    expect((await poll(sim, guid)).json).toEqual({ retcode: '100-006', message: 'the agent has not signed in', result: '' });
  });

  it('signs the agent out after idleSignOutMs without a poll', async () => {
    const sim = await simulator({ idleSignOutMs: 120_000 });
    const guid = await signIn(sim);
    now += 119_000;
    expect((await poll(sim, guid)).json.retcode).toBe('0');
    now += 120_001;
    expect(sim.isSignedIn()).toBe(false);
    expect((await poll(sim, guid)).json.retcode).toBe('100-006');
  });
});

describe('CC-Gateway downloads', () => {
  it('recordfiledownloadEx without hwFileName sends dual-track stereo A-law WAV', async () => {
    const sim = await simulator();
    const guid = await signIn(sim);
    const res = await gatewayCall(sim, 'GET', `/recordfile/${sim.credentials.agentId}/recordfiledownloadEx?callId=${sim.samples.singleRecordingCallId}`, { guid });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream;charset=utf-8');
    const bytes = await bytesOf(res);
    expect(wavFormat(bytes)).toEqual({ riff: 'RIFF', wave: 'WAVE', formatTag: 6, channels: 2, sampleRate: 8000, bits: 8 });
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
  });

  it('recordfiledownloadEx with hwFileName sends the MP4; errors are retcode JSON', async () => {
    const sim = await simulator();
    const agent = sim.credentials.agentId;
    const guid = await signIn(sim);
    const { gatewayVideoCallId: callId, gatewayVideoFileName: hw } = sim.samples;
    const video = await gatewayCall(sim, 'GET', `/recordfile/${agent}/recordfiledownloadEx?callId=${callId}&hwFileName=${encodeURIComponent(hw)}`, { guid });
    const bytes = await bytesOf(video);
    expect(bytes.subarray(4, 8).toString('ascii')).toBe('ftyp');

    const code = async (query: string, withGuid = guid): Promise<string> => {
      const res = await gatewayCall(sim, 'GET', `/recordfile/${agent}/recordfiledownloadEx?${query}`, { guid: withGuid });
      expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      return ((await res.json()) as GatewayJson).retcode;
    };
    expect(await code(`callId=${sim.samples.unknownCallId}`)).toBe('108-001');
    expect(await code(`callId=${callId}&hwFileName=Y:/90/0/20261120/1/1.mp4`)).toBe('108-001');
    expect(await code('callId=')).toBe('000-002');
    expect(await code(`callId=${callId}&workNo=abc`)).toBe('000-002');
    expect(await code(`callId=${callId}&workNo=${agent}`)).toBe('000-005');
    expect(await code(`callId=${callId}`, 'bogus')).toBe('000-003');
    const inspected = await gatewayCall(sim, 'GET', `/recordfile/${agent}/recordfiledownloadEx?callId=${callId}&workNo=101`, { guid });
    expect(wavFormat(await bytesOf(inspected)).channels).toBe(2);
  });

  it('videofiledownload serves HD, SD and aux MP4 variants and honours Range', async () => {
    const sim = await simulator();
    const agent = sim.credentials.agentId;
    const guid = await signIn(sim);
    const { conferenceId, recordId } = sim.samples.conference;
    const variants: Buffer[] = [];
    for (const fileType of [0, 1, 2]) {
      const res = await gatewayCall(sim, 'GET', `/recordfile/${agent}/videofiledownload?conferenceId=${conferenceId}&recordId=${recordId}&fileType=${fileType}`, { guid });
      expect(res.headers.get('content-type')).toBe('application/octet-stream;charset=utf-8');
      const bytes = await bytesOf(res);
      expect(bytes.subarray(4, 8).toString('ascii')).toBe('ftyp');
      expect(bytes.length).toBeLessThan(100_000);
      variants.push(bytes);
    }
    expect(variants[0]?.equals(variants[1] ?? Buffer.alloc(0))).toBe(false);
    expect(variants[1]?.equals(variants[2] ?? Buffer.alloc(0))).toBe(false);

    const first = await bytesOf(await gatewayCall(sim, 'GET', `/recordfile/${agent}/videofiledownload?conferenceId=${conferenceId}&fileType=1`, { guid }));
    expect(first.equals(variants[1] ?? Buffer.alloc(0))).toBe(true);
    const part = await gatewayCall(sim, 'GET', `/recordfile/${agent}/videofiledownload?conferenceId=${conferenceId}&fileType=0`, { guid, range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect((await bytesOf(part)).equals(variants[0]?.subarray(10, 20) ?? Buffer.alloc(0))).toBe(true);

    const code = async (query: string): Promise<string> =>
      ((await (await gatewayCall(sim, 'GET', `/recordfile/${agent}/videofiledownload?${query}`, { guid })).json()) as GatewayJson).retcode;
    expect(await code(`conferenceId=${conferenceId}&fileType=3`)).toBe('000-002');
    expect(await code('fileType=0')).toBe('000-002');
    expect(await code('conferenceId=nope&fileType=0')).toBe('108-001');
    expect(await code(`conferenceId=${conferenceId}&recordId=nope&fileType=0`)).toBe('108-001');
  });

  it('downloads need a signed-in agent (100-006) and a valid Guid (000-003)', async () => {
    const sim = await simulator();
    const agent = sim.credentials.agentId;
    const path = `/recordfile/${agent}/recordfiledownloadEx?callId=${sim.samples.singleRecordingCallId}`;
    expect(((await (await gatewayCall(sim, 'GET', path, { guid: 'x' })).json()) as GatewayJson).retcode).toBe('100-006');
    await signIn(sim);
    expect(((await (await gatewayCall(sim, 'GET', path)).json()) as GatewayJson).retcode).toBe('000-003');
  });
});
