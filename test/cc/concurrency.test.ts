/** The per-upstream concurrency cap (CC_MAX_CONCURRENCY) against the simulator's in-flight counters. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCcClients } from '../../src/cc/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { simulatorConfig } from '../support/env.js';
import { readAll } from '../support/streams.js';
import { RETRYING_TEST_TUNING } from '../support/tuning.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 40 });
});

afterAll(async () => {
  await sim.close();
});

describe('concurrency cap', () => {
  it('keeps at most CC_MAX_CONCURRENCY calls in flight', async () => {
    sim.resetCounters();
    const clients = createCcClients(simulatorConfig(sim, { CC_MAX_CONCURRENCY: '4' }), { tuning: RETRYING_TEST_TUNING });
    try {
      const fileName = sim.samples.recordings[0]!;
      const grants = await Promise.all(Array.from({ length: 40 }, () => clients.ccfs.requestPlayVoice(fileName)));
      expect(grants).toHaveLength(40);
      expect(sim.counters.calls.requestPlayVoice).toBe(40);
      expect(sim.counters.peakInFlight.requestPlayVoice).toBeLessThanOrEqual(4);
      expect(sim.counters.peakInFlight.requestPlayVoice).toBeGreaterThanOrEqual(2);
    } finally {
      await clients.close();
    }
  });

  it('a download that is still streaming does not hold a slot', async () => {
    const clients = createCcClients(simulatorConfig(sim, { CC_MAX_CONCURRENCY: '1' }), { tuning: RETRYING_TEST_TUNING });
    sim.knobs.bytesPerSecond = 20_000;
    try {
      const fileName = sim.samples.recordings[5]!; // 64 KB: about 3 s at this rate
      const slow = await clients.ccfs.downloadRecord({ fileName });
      const body = readAll(slow.stream);
      // With the slot still held, this would wait until the slow body ended.
      const grant = await clients.ccfs.requestPlayVoice(fileName);
      expect(slow.stream.readableEnded).toBe(false);
      expect(grant.token).not.toBe('');
      sim.knobs.bytesPerSecond = undefined;
      expect((await body).equals(await sim.fileBytes(fileName))).toBe(true);
    } finally {
      sim.knobs.bytesPerSecond = undefined;
      await clients.close();
    }
  });
});
