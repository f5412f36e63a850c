/**
 * A keep-alive connection that the platform closes just as it is reused (its idle timeout and our
 * next call crossing): the simulator resets the connection the moment the next request arrives on
 * it. The call must go again on a new connection instead of failing, once, and say so in the log;
 * a connection that was new when it failed is not retried (nothing stale about it).
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CcError } from '../../src/cc/cc-error.js';
import { createCcClients, type CcClients } from '../../src/cc/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { simulatorConfig } from '../support/env.js';
import { readAll } from '../support/streams.js';
import { RETRYING_TEST_TUNING } from '../support/tuning.js';

/** No retries of the clients' own: only the transport's one repeat on a new connection is left. */
const noRetries = { ...RETRYING_TEST_TUNING, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } };

let sim: Simulator;
const logLines: Array<Record<string, unknown>> = [];
const logger = createLogger({
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  }),
});

beforeAll(async () => {
  sim = await startSimulator({});
});
afterAll(() => sim.close());
afterEach(() => {
  sim.clearFaults();
  logLines.length = 0;
});

async function withClients(work: (clients: CcClients) => Promise<void>): Promise<void> {
  const clients = createCcClients(simulatorConfig(sim), { tuning: noRetries, logger });
  try {
    await work(clients);
  } finally {
    await clients.close();
  }
}

const staleNotes = () => logLines.filter((line) => line.msg === 'CC connection closed by the platform while idle; sent again on a new connection');

describe('a reused connection that the platform closed', () => {
  it('is sent again on a new connection: a JSON call (requestPlayVoice) succeeds', async () => {
    await withClients(async (clients) => {
      const file = sim.samples.recordings[0]!;
      await clients.ccfs.requestPlayVoice(file); // leaves an idle keep-alive connection behind
      sim.resetCounters();
      sim.inject('requestPlayVoice', { type: 'reset' }, { times: 1 });
      const grant = await clients.ccfs.requestPlayVoice(file);
      expect(grant.token).toMatch(/\S/);
      expect(sim.counters.calls.requestPlayVoice).toBe(2);
      expect(staleNotes()).toEqual([expect.objectContaining({ upstream: 'CC-FS', interface: 'requestPlayVoice', code: 'ECONNRESET', level: 30 })]);
    });
  });

  it('is sent again on a new connection: a download streams every byte', async () => {
    await withClients(async (clients) => {
      const file = sim.samples.recordings[0]!;
      const expected = await readAll((await clients.ccfs.downloadRecord({ fileName: file })).stream);
      sim.inject('downloadRecord', { type: 'reset' }, { times: 1 });
      const download = await clients.ccfs.downloadRecord({ fileName: file });
      expect((await readAll(download.stream)).equals(expected)).toBe(true);
      expect(staleNotes()).toEqual([expect.objectContaining({ interface: 'downloadRecord', code: 'ECONNRESET' })]);
    });
  });

  it('is sent again once only: a platform that resets the new connection too is unavailable', async () => {
    await withClients(async (clients) => {
      const file = sim.samples.recordings[0]!;
      await clients.ccfs.requestPlayVoice(file);
      sim.inject('requestPlayVoice', { type: 'reset' }, { times: 2 });
      const error = await clients.ccfs.requestPlayVoice(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CcError);
      expect((error as CcError).kind).toBe('unavailable');
      expect((error as CcError).message).toContain('ECONNRESET');
      expect(staleNotes()).toHaveLength(1);
    });
  });

  it('a reset on a new connection is an error at once (nothing stale to retry)', async () => {
    await withClients(async (clients) => {
      sim.inject('downloadRecord', { type: 'reset' }, { times: 1 });
      const error = await clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CcError);
      expect((error as CcError).kind).toBe('unavailable');
      expect(staleNotes()).toEqual([]);
    });
  });
});
