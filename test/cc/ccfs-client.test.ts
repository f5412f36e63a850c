/** The CC-FS client against the simulator over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CcError } from '../../src/cc/cc-error.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { simulatorConfig } from '../support/env.js';
import { deadUrl } from '../support/ports.js';
import { readAll } from '../support/streams.js';
import { rejection } from './rejection.js';
import { RETRYING_TEST_TUNING } from '../support/tuning.js';

let sim: Simulator;
let clients: CcClients;
const metrics = createMetrics();

beforeAll(async () => {
  sim = await startSimulator({});
  clients = createCcClients(simulatorConfig(sim), { metrics, tuning: RETRYING_TEST_TUNING });
});

afterAll(async () => {
  await clients.close();
  await sim.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.resetCounters();
});

describe('CC-FS client: success', () => {
  it('requestPlayVoice returns a token valid for 30 minutes, and playVoice streams the WAV', async () => {
    const before = Date.now();
    const grant = await clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!);
    const after = Date.now();
    expect(grant.token).toMatch(/\S{8,}/);
    // Counted from when the request was sent: never later than the platform's own 30 minutes.
    expect(grant.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(grant.expiresAt.getTime()).toBeLessThanOrEqual(after + 30 * 60_000);

    const download = await clients.ccfs.playVoice(grant.token);
    expect(download.statusCode).toBe(200);
    expect(download.head.subarray(0, 4).toString('latin1')).toBe('RIFF');
    const bytes = await readAll(download.stream);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE');
    expect(download.contentLength).toBe(bytes.length);
    expect(bytes.equals(await sim.fileBytes(sim.samples.recordings[0]!))).toBe(true);
  });

  it('sends backslashes as slashes', async () => {
    const slashed = sim.samples.recordings[0]!;
    const grant = await clients.ccfs.requestPlayVoice(slashed.replace(/\//g, '\\'));
    const download = await clients.ccfs.playVoice(grant.token);
    expect((await readAll(download.stream)).equals(await sim.fileBytes(slashed))).toBe(true);
  });

  it('downloadRecord by fileName streams the WAV byte for byte', async () => {
    const fileName = sim.samples.recordings[1]!;
    const download = await clients.ccfs.downloadRecord({ fileName });
    const bytes = await readAll(download.stream);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(bytes.equals(await sim.fileBytes(fileName))).toBe(true);
  });

  it('downloadRecord by a callId with several recordings streams a zip', async () => {
    const download = await clients.ccfs.downloadRecord({ callId: sim.samples.multiRecordingCallId, ccId: '1' });
    const bytes = await readAll(download.stream);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('downloadRecord by a callId with one recording streams the WAV', async () => {
    const download = await clients.ccfs.downloadRecord({ callId: sim.samples.singleRecordingCallId });
    expect(download.head.subarray(0, 4).toString('latin1')).toBe('RIFF');
    await readAll(download.stream);
  });

  it('downloadAgentOprInfoFile streams the index zip', async () => {
    const download = await clients.ccfs.downloadAgentOprInfoFile(sim.samples.agentOperationIndexes[0]!);
    const bytes = await readAll(download.stream);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('passes a Range upstream and reports the 206', async () => {
    const fileName = sim.samples.recordings[0]!;
    const whole = await sim.fileBytes(fileName);
    const download = await clients.ccfs.downloadRecord({ fileName }, { range: 'bytes=10-29' });
    expect(download.statusCode).toBe(206);
    expect(download.contentRange).toBe(`bytes 10-29/${whole.length}`);
    expect((await readAll(download.stream)).equals(whole.subarray(10, 30))).toBe(true);
  });

  it('records the call durations by interface and result', async () => {
    await clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/cc_upstream_request_duration_seconds_count\{interface="requestPlayVoice",result="ok"\} [1-9]/);
  });
});

describe('CC-FS client: errors', () => {
  it('an unknown file is not_found (0300011), an unknown call not_found (0300012)', async () => {
    const missing = await rejection(clients.ccfs.requestPlayVoice('Y:/1/0/20180309/108/9999999.V3'));
    expect(missing.kind).toBe('not_found');
    expect(missing.code).toBe('0300011');
    const noCall = await rejection(clients.ccfs.downloadRecord({ callId: sim.samples.unknownCallId }));
    expect(noCall.kind).toBe('not_found');
    expect(noCall.code).toBe('0300012');
  });

  it('a refused parameter is bad_parameter', async () => {
    sim.inject('downloadRecord', { type: 'resultCode', code: '0300004', desc: 'The format of fileName is incorrect.' });
    const error = await rejection(clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }));
    expect(error.kind).toBe('bad_parameter');
    expect(error.code).toBe('0300004');
    expect(sim.counters.calls.downloadRecord).toBe(1);
  });

  it('flow control is retried with backoff, then reported as flow_control', async () => {
    sim.inject('downloadRecord', { type: 'flowControl' }, { times: 1 });
    const download = await clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! });
    await readAll(download.stream);
    expect(sim.counters.calls.downloadRecord).toBe(2);

    sim.resetCounters();
    sim.inject('requestPlayVoice', { type: 'flowControl' }, { times: Infinity });
    const error = await rejection(clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!));
    expect(error.kind).toBe('flow_control');
    expect(error.retryable).toBe(true);
    expect(sim.counters.calls.requestPlayVoice).toBe(3);
  });

  it('downloads are not retried on 5xx (unavailable); token requests are', async () => {
    sim.inject('downloadRecord', { type: 'http', status: 500 });
    const error = await rejection(clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }));
    expect(error.kind).toBe('unavailable');
    expect(error.httpStatus).toBe(500);
    expect(sim.counters.calls.downloadRecord).toBe(1);

    sim.inject('requestPlayVoice', { type: 'http', status: 502 }, { times: 1 });
    const grant = await clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!);
    expect(grant.token).not.toBe('');
    expect(sim.counters.calls.requestPlayVoice).toBe(2);
  });

  it('a wrong secret is refused by the simulator with 401 (unauthorized, not retried)', async () => {
    const wrong = createCcClients(simulatorConfig(sim, { CCFS_SK: 'not-the-secret' }), { tuning: RETRYING_TEST_TUNING });
    try {
      const error = await rejection(wrong.ccfs.requestPlayVoice(sim.samples.recordings[0]!));
      expect(error.kind).toBe('unauthorized');
      expect(error.code).toBe('HTTP_401');
      expect(error.message).not.toContain('not-the-secret');
      expect(sim.counters.calls.requestPlayVoice).toBe(1);
      expect(sim.counters.authFailures).toBeGreaterThanOrEqual(1);
    } finally {
      await wrong.close();
    }
  });

  it('a file of another developer account is unauthorized', async () => {
    const error = await rejection(clients.ccfs.downloadRecord({ fileName: sim.samples.foreignRecording }));
    expect(error.kind).toBe('unauthorized');
  });

  it('an IP lock (403) is unauthorized', async () => {
    sim.inject('downloadAgentOprInfoFile', { type: 'http', status: 403 });
    const error = await rejection(clients.ccfs.downloadAgentOprInfoFile(sim.samples.agentOperationIndexes[0]!));
    expect(error.kind).toBe('unauthorized');
    expect(error.code).toBe('HTTP_403');
  });

  it('a reset connection is unavailable', async () => {
    // On both attempts: a reused connection that fails is sent once more (stale-connection.test.ts).
    sim.inject('downloadRecord', { type: 'reset' }, { times: 2 });
    const error = await rejection(clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }));
    expect(error.kind).toBe('unavailable');
  });

  it('a closed port is unavailable', async () => {
    const closed = createCcClients(simulatorConfig(sim, { CCFS_BASE_URL: await deadUrl() }), {
      tuning: { ...RETRYING_TEST_TUNING, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    try {
      const error = await rejection(closed.ccfs.requestPlayVoice(sim.samples.recordings[0]!));
      expect(error.kind).toBe('unavailable');
      expect(error.message).toContain('ECONNREFUSED');
    } finally {
      await closed.close();
    }
  });

  it('no first byte within the timeout is unavailable', async () => {
    const impatient = createCcClients(simulatorConfig(sim), { tuning: { ...RETRYING_TEST_TUNING, firstByteTimeoutMs: 200 } });
    try {
      sim.inject('downloadRecord', { type: 'hang' });
      const error = await rejection(impatient.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }));
      expect(error.kind).toBe('unavailable');
      expect(error.message).toMatch(/timed out/);
    } finally {
      await impatient.close();
    }
  });

  it('a JSON error labelled as binary on playVoice rejects before any byte is passed on', async () => {
    const grant = await clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!);
    sim.inject('playVoice', { type: 'jsonAsBinary', code: '010107' });
    const error = await rejection(clients.ccfs.playVoice(grant.token));
    expect(error.code).toBe('010107');
    expect(error.kind).toBe('unauthorized');
  });

  it('an unknown playVoice token is refused as a CcError, never as a stream', async () => {
    const error = await rejection(clients.ccfs.playVoice('0000000000000000DEADBEEF00000000'));
    expect(error.code).toMatch(/^0101\d\d$/);
  });

  it('a truncated body makes the stream fail instead of ending short', async () => {
    sim.inject('downloadRecord', { type: 'truncate', afterBytes: 1000 });
    const download = await clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! });
    expect(download.contentLength).toBeGreaterThan(1000);
    const failure = await readAll(download.stream).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(CcError);
    expect((failure as CcError).kind).toBe('unavailable');
  });

  it('aborting the signal destroys the upstream request at once', async () => {
    sim.knobs.bytesPerSecond = 20_000;
    try {
      const closed = new Promise<{ completed: boolean }>((resolve) => sim.events.once('streamClosed', resolve));
      const controller = new AbortController();
      const download = await clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }, { signal: controller.signal });
      download.stream.on('error', () => undefined);
      controller.abort();
      expect((await closed).completed).toBe(false);
      expect(download.stream.destroyed).toBe(true);
    } finally {
      sim.knobs.bytesPerSecond = undefined;
    }
  });
});

describe('CC-FS client: IP lock', () => {
  it('repeated bad signatures lock the IP (403), reported as unauthorized HTTP_403', async () => {
    const strict = await startSimulator({ authFailureLimit: 2 });
    const wrong = createCcClients(simulatorConfig(strict, { CCFS_SK: 'not-the-secret' }), { tuning: RETRYING_TEST_TUNING });
    try {
      const codes: Array<string | undefined> = [];
      for (let i = 0; i < 4; i++) {
        codes.push((await rejection(wrong.ccfs.requestPlayVoice(strict.samples.recordings[0]!))).code);
      }
      expect(codes[0]).toBe('HTTP_401');
      expect(codes[codes.length - 1]).toBe('HTTP_403');
    } finally {
      await wrong.close();
      await strict.close();
    }
  });
});
