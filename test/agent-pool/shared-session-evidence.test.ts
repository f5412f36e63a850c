/**
 * Why replicas without an agent relay their gateway downloads to a holder instead of sharing the
 * holder's session (README, "Scale-out"): evidence from the simulator, which models the dynamic
 * Guid of the platform (AUTHMODE=2; docs/cc-gateway-sessions.md): the Guid rotates every
 * GUIDINTERVAL, the new one arrives only in the Set-GUID of the event-poll answer that rotated it,
 * and the replaced one stays valid for GUIDTIMEOUT.
 *
 * A shared session means several processes using one Guid. These tests show the two ways that
 * races, with the simulator's clock moved by hand (no timing involved).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { Simulator } from '../../src/simulator/types.js';

const AGENT = { agentId: '4977', password: 'pw', phone: '40038' };
const GW = '/agentgateway/resource';
let now = 1_000_000;
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function call(method: string, path: string, guid?: string, body?: unknown): Promise<{ retcode: string | undefined; setGuid: string | undefined; status: number }> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (guid !== undefined) headers.guid = guid;
  const response = await fetch(`${sim!.url}${GW}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const setGuid = response.headers.get('set-guid')?.replace(/^JSESSIONID=/, '');
  const isJson = response.headers.get('content-type')?.includes('json') ?? false;
  const retcode = isJson ? ((await response.json()) as { retcode?: string }).retcode : (await response.arrayBuffer(), undefined);
  return { retcode, setGuid, status: response.status };
}

const signIn = () => call('PUT', `/onlineagent/${AGENT.agentId}`, undefined, { password: AGENT.password, phonenum: AGENT.phone });
const poll = (guid: string) => call('GET', `/agentevent/${AGENT.agentId}`, guid);
const download = (guid: string) => call('GET', `/recordfile/${AGENT.agentId}/recordfiledownloadEx?callId=${sim!.samples.gatewayVideoCallId}`, guid);

describe('sharing one agent session between processes', () => {
  it('a copy of the Guid kept by another process stops working GUIDTIMEOUT after the holder’s poll rotated it', async () => {
    now = 1_000_000;
    // A site may set GUIDTIMEOUT barely above GUIDINTERVAL; only interval < timeout is required.
    sim = await startSimulator({ agents: [AGENT], clock: () => now, pollWaitMs: 10, guidIntervalMs: 60_000, guidTimeoutMs: 65_000 });
    const first = (await signIn()).setGuid!;
    const sharedCopy = first; // what another replica read from a shared store

    now += 60_000;
    const rotated = await poll(first); // the holder's poll: the only answer that carries the new Guid
    expect(rotated.setGuid).toBeDefined();
    expect(rotated.setGuid).not.toBe(first);
    expect((await download(sharedCopy)).retcode).toBeUndefined(); // still valid: a file stream

    now += 65_001; // the copy was not refreshed within GUIDTIMEOUT
    expect((await download(sharedCopy)).retcode).toBe('000-003');
    expect((await download(rotated.setGuid!)).retcode).toBeUndefined();
  });

  it('two processes polling the one session: the rotation reaches only one of them, the other is locked out', async () => {
    now = 2_000_000;
    sim = await startSimulator({ agents: [AGENT], clock: () => now, pollWaitMs: 10, guidIntervalMs: 60_000, guidTimeoutMs: 120_000, idleSignOutMs: 600_000 });
    const guid = (await signIn()).setGuid!;
    let processA = guid;
    let processB = guid;

    now += 60_000;
    const a = await poll(processA);
    if (a.setGuid) processA = a.setGuid;
    const b = await poll(processB); // B polls right after: no rotation is due any more, no Set-GUID for B
    if (b.setGuid) processB = b.setGuid;
    expect(processA).not.toBe(guid);
    expect(processB).toBe(guid);

    now += 120_001;
    expect((await poll(processB)).retcode).toBe('000-003');
    // B's only way back is a new sign-in, which the platform refuses while A's session lives (100-002)
    // — or a forced one, which throws A out.
    expect((await signIn()).retcode).toBe('100-002');
  });

  it('relaying needs none of that: one process holds the Guid and follows every rotation', async () => {
    now = 3_000_000;
    sim = await startSimulator({ agents: [AGENT], clock: () => now, pollWaitMs: 10, guidIntervalMs: 60_000, guidTimeoutMs: 65_000 });
    let guid = (await signIn()).setGuid!;
    for (let round = 0; round < 5; round++) {
      now += 61_000;
      const answer = await poll(guid);
      if (answer.setGuid) guid = answer.setGuid;
      expect((await download(guid)).retcode).toBeUndefined();
    }
    expect(sim.counters.forcedSignIns).toBe(0);
  });
});
