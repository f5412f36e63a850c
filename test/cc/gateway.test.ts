/** The CC-Gateway session and downloads against the simulator over real HTTP. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CcError } from '../../src/cc/cc-error.js';
import { parseSetGuid } from '../../src/cc/gateway-session.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { eventually } from '../support/eventually.js';
import { simulatorConfig } from '../support/env.js';
import { readAll } from '../support/streams.js';
import { rejection } from './rejection.js';
import { RETRYING_TEST_TUNING } from '../support/tuning.js';

describe('parseSetGuid', () => {
  it('takes the part after JSESSIONID=', () => {
    expect(parseSetGuid('JSESSIONID=279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0')).toBe(
      '279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0',
    );
    expect(parseSetGuid('JSESSIONID=abc.AgentGateway1; Path=/')).toBe('abc.AgentGateway1');
    expect(parseSetGuid(undefined)).toBeUndefined();
  });
});

describe('CC-Gateway (static Guid)', () => {
  let sim: Simulator;
  let clients: CcClients;

  beforeAll(async () => {
    sim = await startSimulator({ guidMode: 'static', pollWaitMs: 200 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.clearFaults();
    sim.resetCounters();
    clients = createCcClients(simulatorConfig(sim), { tuning: RETRYING_TEST_TUNING });
  });
  afterEach(async () => {
    await clients.close();
  });

  it('signs in lazily, downloads the dual-track audio, polls, and signs out on close', async () => {
    expect(clients.session!.state).toBe('signed_out');
    const download = await clients.gateway!.recordFileDownloadEx({ callId: sim.samples.singleRecordingCallId });
    expect(clients.session!.state).toBe('signed_in');
    expect(sim.isSignedIn()).toBe(true);
    expect((await readAll(download.stream)).subarray(0, 4).toString('latin1')).toBe('RIFF');
    await eventually(() => sim.counters.calls.agentevent >= 2);

    await clients.close();
    expect(sim.counters.calls.logout).toBe(1);
    expect(sim.isSignedIn()).toBe(false);
    expect(clients.session!.state).toBe('signed_out');
    const polls = sim.counters.calls.agentevent;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.counters.calls.agentevent).toBe(polls);
  });

  it('downloads a VoiceCyber video with hwFileName (backslashes become slashes)', async () => {
    const download = await clients.gateway!.recordFileDownloadEx({
      callId: sim.samples.gatewayVideoCallId,
      hwFileName: sim.samples.gatewayVideoFileName.replace(/\//g, '\\'),
    });
    const bytes = await readAll(download.stream);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it.each([0, 1, 2] as const)('downloads the MCU video with fileType %s', async (fileType) => {
    const { conferenceId, recordId } = sim.samples.conference;
    const download = await clients.gateway!.videoFileDownload({ conferenceId, recordId, fileType });
    const bytes = await readAll(download.stream);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('start() signs in eagerly; concurrent callers share one sign-in', async () => {
    const { conferenceId, recordId } = sim.samples.conference;
    const downloads = await Promise.all([
      clients.session!.start(),
      clients.gateway!.videoFileDownload({ conferenceId, recordId, fileType: 0 }),
      clients.gateway!.videoFileDownload({ conferenceId, recordId, fileType: 1 }),
      clients.gateway!.recordFileDownloadEx({ callId: sim.samples.singleRecordingCallId }),
    ]);
    await Promise.all(downloads.slice(1).map((d) => (d ? readAll(d.stream) : undefined)));
    expect(sim.counters.calls.login).toBe(1);
    expect(clients.session!.stats.signIns).toBe(1);
  });

  it('an unknown call is not_found (108-001)', async () => {
    const error = await rejection(clients.gateway!.recordFileDownloadEx({ callId: sim.samples.unknownCallId }));
    expect(error.kind).toBe('not_found');
    expect(error.code).toBe('108-001');
  });

  it('signs in again after a forced sign-out, and the download still works', async () => {
    await clients.session!.start();
    sim.forceSignOut();
    const download = await clients.gateway!.recordFileDownloadEx({ callId: sim.samples.singleRecordingCallId });
    await readAll(download.stream);
    expect(sim.counters.calls.login).toBe(2);
    expect(sim.isSignedIn()).toBe(true);
  });

  it('signs in again after the Guids expire (000-003)', async () => {
    await clients.session!.start();
    sim.expireGuids();
    const { conferenceId, recordId } = sim.samples.conference;
    const download = await clients.gateway!.videoFileDownload({ conferenceId, recordId, fileType: 2 });
    await readAll(download.stream);
    expect(clients.session!.stats.signIns).toBe(2);
  });

  it('fails clearly when the session is refused again after one new sign-in', async () => {
    await clients.session!.start();
    sim.inject('recordfiledownloadEx', { type: 'resultCode', code: '000-003', desc: 'no right to invite resource' }, { times: 2 });
    const error = await rejection(clients.gateway!.recordFileDownloadEx({ callId: sim.samples.singleRecordingCallId }));
    expect(error.kind).toBe('unauthorized');
    expect(error.code).toBe('000-003');
    expect(sim.counters.calls.recordfiledownloadEx).toBe(2);
    expect(sim.counters.calls.login).toBe(2);
  });

  it('forces the sign-in on 100-002 (already signed in)', async () => {
    sim.inject('login', { type: 'resultCode', code: '100-002', desc: 'agent already signed in' });
    await clients.session!.start();
    expect(sim.counters.calls.forcelogin).toBe(1);
    expect(clients.session!.stats.forcedSignIns).toBe(1);
    expect(clients.session!.state).toBe('signed_in');
  });

  it('a wrong password is unauthorized and is not retried in a loop', async () => {
    const wrong = createCcClients(simulatorConfig(sim, { CC_GATEWAY_PASSWORD: 'wrong-password' }), { tuning: RETRYING_TEST_TUNING });
    try {
      const error = await rejection(wrong.gateway!.recordFileDownloadEx({ callId: sim.samples.singleRecordingCallId }));
      expect(error.kind).toBe('unauthorized');
      expect(error.code).toBe('100-004');
      expect(error.message).not.toContain('wrong-password');
      expect(wrong.session!.state).toBe('failed');
      // Within the cool-down, the refusal is answered from memory.
      await rejection(wrong.gateway!.recordFileDownloadEx({ callId: sim.samples.singleRecordingCallId }));
      expect(sim.counters.calls.login).toBe(1);
    } finally {
      await wrong.close();
    }
  });

  it('is absent when no gateway is configured', async () => {
    const ccfsOnly = createCcClients(simulatorConfig(sim, { CC_GATEWAY_BASE_URL: '' }));
    expect(ccfsOnly.gateway).toBeUndefined();
    expect(ccfsOnly.session).toBeUndefined();
    await ccfsOnly.close();
  });
});

describe('CC-Gateway (dynamic Guid rotation)', () => {
  let sim: Simulator;

  beforeAll(async () => {
    // Old Guids die soon after a rotation: a client that did not follow Set-GUID would be refused.
    sim = await startSimulator({ guidMode: 'dynamic', guidIntervalMs: 200, guidTimeoutMs: 400, pollWaitMs: 100 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('follows the Guid across at least three rotations and keeps downloading without signing in again', async () => {
    const metrics = createMetrics();
    const clients = createCcClients(simulatorConfig(sim), { metrics, tuning: RETRYING_TEST_TUNING });
    try {
      await clients.session!.start();
      const { conferenceId, recordId } = sim.samples.conference;
      for (let round = 1; round <= 4; round++) {
        const rotations = clients.session!.stats.guidRotations;
        await eventually(() => clients.session!.stats.guidRotations > rotations);
        // Past the old Guid's lifetime, so only the followed Guid can work.
        await new Promise((resolve) => setTimeout(resolve, 450));
        const download = await clients.gateway!.videoFileDownload({ conferenceId, recordId, fileType: 1 });
        expect((await readAll(download.stream)).subarray(4, 8).toString('latin1')).toBe('ftyp');
      }
      expect(clients.session!.stats.guidRotations).toBeGreaterThanOrEqual(3);
      expect(clients.session!.stats.signIns).toBe(1);
      expect(sim.counters.calls.login).toBe(1);
      expect(await metrics.registry.getSingleMetricAsString('cc_agent_guid_rotations_total')).toMatch(
        /cc_agent_guid_rotations_total [3-9]|cc_agent_guid_rotations_total \d\d/,
      );
      expect(await metrics.registry.getSingleMetricAsString('cc_agent_session_signed_in')).toMatch(/cc_agent_session_signed_in 1/);
    } finally {
      await clients.close();
    }
  });
});
