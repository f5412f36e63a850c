/**
 * The CC-Gateway agent pool across replicas sharing one redis-server and one simulator (pool of two
 * agents, three replicas: the uneven case). Each agent is signed in from one replica; the third
 * replica serves gateway downloads through a holder, byte for byte; a holder that stops gives its
 * agent back and a relaying replica takes it over; a holder that crashes leaves a lease that
 * expires, and the agent is taken over once the platform has ended the silent session. The
 * simulator counts forced sign-ins: zero throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { Simulator } from '../../src/simulator/types.js';
import { eventually } from '../support/eventually.js';
import { onServer, postGraphQL } from '../support/graphql-client.js';
import { startPostgres } from '../support/postgres.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { spawnSubgraph } from '../support/subgraph-process.js';
import { metricValue, POOL_AGENTS, poolEnv, processEnv, REFERENCE_AGENT, referenceGatewayBytes, startPooledReplica, type PooledReplica } from './pool-harness.js';

interface Links {
  audio: string;
  video: string;
  mcu: string;
}

async function mintGatewayLinks(replica: PooledReplica, sim: Simulator): Promise<Links> {
  const { samples } = sim;
  const answer = await postGraphQL(
    replica.server.graphqlUrl,
    `{ call(callId: "${samples.gatewayVideoCallId}") {
         gatewayRecording { url }
         gatewayVideo(hwFileName: "${samples.gatewayVideoFileName}") { url }
       }
       videoRecording(conferenceId: "${samples.conference.conferenceId}", recordId: "${samples.conference.recordId}") { download(quality: SD) { url } } }`,
  );
  expect(answer.errors).toBeUndefined();
  const call = answer.data?.call as { gatewayRecording: { url: string }; gatewayVideo: { url: string } };
  const video = answer.data?.videoRecording as { download: { url: string } };
  return { audio: call.gatewayRecording.url, video: call.gatewayVideo.url, mcu: video.download.url };
}

async function fetchBytes(url: string, range?: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const response = await fetch(url, range === undefined ? {} : { headers: { range } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('agent pool: two agents, three replicas, one Redis', () => {
  let redis: TestRedis;
  let sim: Simulator;
  let replicas: PooledReplica[] = [];
  let links: Links;
  let poolSignIns = 0;
  const reference: Partial<Record<keyof Links, Buffer>> = {};
  const holders = () => replicas.filter((r) => r.pooled.status().heldAgentId !== null && r.pooled.status().session === 'signed_in');
  const relaying = () => replicas.filter((r) => r.pooled.status().heldAgentId === null);
  const noForcedSignIn = () => {
    expect(sim.counters.forcedSignIns).toBe(0);
    expect(sim.counters.calls.forcelogin).toBe(0);
  };

  beforeAll(async () => {
    redis = await startRedis();
    sim = await startSimulator({ agents: [...POOL_AGENTS, REFERENCE_AGENT], pollWaitMs: 500 });
    const env = poolEnv(sim, redis.url, POOL_AGENTS, 6);
    for (const name of ['a', 'b', 'c']) replicas.push(await startPooledReplica(name, env));
    await eventually(() => holders().length === 2);
    poolSignIns = sim.counters.signIns;
    links = await mintGatewayLinks(replicas[0]!, sim);
    const { samples } = sim;
    reference.audio = await referenceGatewayBytes(sim, 'recordfiledownloadEx', { callId: samples.gatewayVideoCallId });
    reference.video = await referenceGatewayBytes(sim, 'recordfiledownloadEx', {
      callId: samples.gatewayVideoCallId,
      hwFileName: samples.gatewayVideoFileName,
    });
    reference.mcu = await referenceGatewayBytes(sim, 'videofiledownload', {
      conferenceId: samples.conference.conferenceId,
      recordId: samples.conference.recordId,
      fileType: '1',
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await sim?.close();
    await redis?.stop();
  });

  it('signs each agent in from exactly one replica, never forcing; the third replica holds none', async () => {
    const held = holders().map((r) => r.pooled.status().heldAgentId);
    expect(held.sort()).toEqual(['4977', '4978']);
    expect(relaying()).toHaveLength(1);
    expect(poolSignIns).toBe(2);
    noForcedSignIn();
    expect([...new Set(held)]).toHaveLength(2);
  });

  it('says in /readyz and /metrics which agent a replica holds and how many are free', async () => {
    // Each replica reads the store once a round (a third of the lease time).
    await eventually(() => replicas.every((r) => r.pooled.status().free === 0 && r.pooled.status().signedIn === 2), 6_000);
    for (const replica of replicas) {
      const response = await fetch(`${replica.server.url}/readyz`);
      const body = (await response.json()) as { checks: { agentSession: string }; agentPool: Record<string, unknown> };
      expect(response.status).toBe(200);
      const held = replica.pooled.status().heldAgentId;
      expect(body.checks.agentSession).toBe(held === null ? 'relaying' : 'ok');
      expect(body.agentPool).toEqual({ heldAgentId: held, session: held === null ? 'none' : 'signed_in', free: 0, signedIn: 2, size: 2, store: 'redis' });
      expect(JSON.stringify(body)).not.toContain('pool-pw');
      const metrics = await (await fetch(`${replica.server.url}/metrics`)).text();
      expect(metrics).toContain('cc_agent_pool_size 2');
      expect(metrics).toContain('cc_agent_pool_free 0');
      for (const agent of POOL_AGENTS) expect(metrics).toContain(`cc_agent_pool_held{agent_id="${agent.agentId}"} ${agent.agentId === held ? 1 : 0}`);
    }
  });

  it('serves gateway audio and videos byte for byte from every replica, the agentless one through a holder', async () => {
    for (const replica of replicas) {
      for (const kind of ['audio', 'video', 'mcu'] as const) {
        const { status, body } = await fetchBytes(onServer(links[kind], replica.server.url));
        expect({ replica: replica.name, kind, status }).toEqual({ replica: replica.name, kind, status: 200 });
        expect(body.equals(reference[kind]!)).toBe(true);
      }
    }
    const relayer = relaying()[0]!;
    expect(await metricValue(relayer.metrics, 'cc_agent_gateway_relayed_total', { direction: 'out' })).toBeGreaterThanOrEqual(3);
    const served = await Promise.all(holders().map((r) => metricValue(r.metrics, 'cc_agent_gateway_relayed_total', { direction: 'in' })));
    expect(served.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    noForcedSignIn();
  });

  it('relays a seek (Range) and a CC-Gateway refusal unchanged', async () => {
    const relayer = relaying()[0]!;
    const part = await fetchBytes(onServer(links.mcu, relayer.server.url), 'bytes=1000-1999');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${reference.mcu!.length}`);
    expect(part.body.equals(reference.mcu!.subarray(1000, 2000))).toBe(true);

    sim.inject('recordfiledownloadEx', { type: 'resultCode', code: '108-001' });
    const missing = await fetch(onServer(links.audio, relayer.server.url));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('CC_FILE_NOT_FOUND');
  });

  it('refuses a relay request that is not signed by a replica of the deployment', async () => {
    const holder = holders()[0]!;
    const query = `callId=${sim.samples.gatewayVideoCallId}`;
    const unsigned = await fetch(`${holder.server.url}/internal/cc-gateway/recordfiledownloadEx?${query}`);
    expect(unsigned.status).toBe(401);
    const forged = await fetch(`${holder.server.url}/internal/cc-gateway/recordfiledownloadEx?${query}`, {
      headers: { 'x-cc-relay-auth': `v1.k1.${Date.now()}.${Buffer.alloc(32).toString('base64url')}` },
    });
    expect(forged.status).toBe(401);
  });

  it('when a holder stops, it signs out and gives the lease back; the relaying replica takes the agent over', async () => {
    const leaving = holders()[0]!;
    const agentId = leaving.pooled.status().heldAgentId!;
    const relayer = relaying()[0]!;
    const signInsBefore = sim.counters.signIns;
    const stopped = Date.now();
    await leaving.stop();
    expect(sim.isSignedIn(agentId)).toBe(false);
    replicas = replicas.filter((r) => r !== leaving);
    await eventually(() => relayer.pooled.status().heldAgentId === agentId && relayer.pooled.status().session === 'signed_in', 6_000);
    const takeoverMs = Date.now() - stopped;
    // Within the lease time (6 s): a plain sign-in after the sign-out, nothing forced.
    expect(takeoverMs).toBeLessThanOrEqual(6_000);
    expect(sim.counters.signIns).toBe(signInsBefore + 1);
    noForcedSignIn();
    for (const replica of replicas) {
      const { status, body } = await fetchBytes(onServer(links.audio, replica.server.url));
      expect(status).toBe(200);
      expect(body.equals(reference.audio!)).toBe(true);
    }
  });
});

describe.each(['redis', 'postgres'] as const)('agent pool in %s: a holder that crashes', (storeKind) => {
  let store: { url: string; stop(): Promise<void> };
  let sim: Simulator;
  let survivor: PooledReplica | undefined;

  beforeAll(async () => {
    if (storeKind === 'redis') {
      store = await startRedis();
    } else {
      const cluster = await startPostgres();
      store = { url: await cluster.createDatabase(), stop: () => cluster.stop() };
    }
    // The platform ends a session 4 s after its last poll (2 minutes on a real CC-Gateway).
    sim = await startSimulator({ agents: [POOL_AGENTS[0]!], pollWaitMs: 500, idleSignOutMs: 4_000 });
  }, 60_000);
  afterAll(async () => {
    await survivor?.stop();
    await sim?.close();
    await store?.stop();
  }, 60_000);

  it('leaves a lease that expires; the agent is taken over without a forced sign-in once the platform ended the silent session', async () => {
    const env = poolEnv(sim, store.url, [POOL_AGENTS[0]!], 3);
    const crashing = await spawnSubgraph(sim, { withGateway: false, env: { ...processEnv(env), LOG_LEVEL: 'silent' } });
    try {
      await eventually(async () => {
        const body = (await (await fetch(`${crashing.url}/readyz`)).json()) as { agentPool?: { heldAgentId: string | null; session: string } };
        return body.agentPool?.session === 'signed_in';
      }, 30_000);
      survivor = await startPooledReplica('survivor', env);
      expect(survivor.pooled.status().heldAgentId).toBeNull();

      const links = await mintGatewayLinks(survivor, sim);
      const before = await fetchBytes(onServer(links.audio, survivor.server.url));
      expect(before.status).toBe(200); // relayed through the process that is about to crash

      crashing.process.kill('SIGKILL');
      await crashing.exited;
      expect(sim.isSignedIn(POOL_AGENTS[0]!.agentId)).toBe(true); // nobody signed it out

      await eventually(() => survivor!.pooled.status().session === 'signed_in', 20_000);
      expect(sim.counters.forcedSignIns).toBe(0);
      expect(sim.counters.calls.forcelogin).toBe(0);
      // The survivor did ask while the silent session lived on, and was told 100-002 (at least once).
      expect(sim.counters.calls.login).toBeGreaterThan(sim.counters.signIns);

      const after = await fetchBytes(onServer(links.audio, survivor.server.url));
      expect(after.status).toBe(200);
      expect(after.body.equals(before.body)).toBe(true);
    } finally {
      if (crashing.process.exitCode === null && crashing.process.signalCode === null) crashing.process.kill('SIGKILL');
    }
  }, 90_000);
});
