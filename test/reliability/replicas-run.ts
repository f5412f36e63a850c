/**
 * (Run by replicas.reliability.ts in a process of its own; `npm run replicas` runs it directly.)
 * Three replicas behind nginx under the load of the reliability suite, one of them stopped with
 * SIGTERM in the middle and started again:
 *
 * - links minted on one replica play and seek on the others;
 * - playback tokens are asked of the CC-FS once for all replicas (the Redis cache): none during the load;
 * - gateway audio and video download from every replica, byte for byte against the simulator's own
 *   bytes, with zero forced sign-ins (the third replica relays through a holder);
 * - no request that reached nginx fails, except downloads cut mid-stream as broken transfers;
 * - the agent the stopped replica held is taken over by a live one within the lease time;
 * - the recording index (a window every 10 s, all replicas running the ingestion loop on the one
 *   PostgreSQL) is asked of the CC-FS once per window and each file downloaded and ingested once.
 */
import http from 'node:http';
import pg from 'pg';
import { syntheticBytes } from '../../src/simulator/simulator.js';
import { referenceGatewayBytes } from '../agent-pool/pool-harness.js';
import { onServer } from '../support/graphql-client.js';
import { pollUntil } from '../support/eventually.js';
import { exitWhenIdle, reportPart } from './child-part.js';
import { createAgent, download, postGraphQL } from './clients.js';
import { newFigures } from './figures.js';
import type { HashedLink } from './load-clients.js';
import { BIG_FILE, BIG_FILE_BYTES, mintLoadLinks, runClients, sha256 } from './load-links.js';
import { GRACE_SECONDS, LEASE_SECONDS, startReplicaStack, type Replica, type ReplicaStack } from './replicas-stack.js';

const LOAD_SECONDS = Number(process.env.REPLICAS_LOAD_SECONDS ?? process.env.RELIABILITY_LOAD_SECONDS ?? 30);
// Fewer than the one-replica load part (200 and 20): here three replicas, nginx and the load share
// the machine's cores, and the point is what the load balancer and the pool do, not throughput.
const GRAPHQL_CLIENTS = 60;
const DOWNLOADERS = 8;
/** The load operations ask for these (load-operations.ts): their tokens are fetched once, before the load. */
const LOAD_RECORDINGS = 60;

const figures = newFigures('replicas');

async function expectedBytes(stack: ReplicaStack, link: HashedLink): Promise<Buffer> {
  const { sim } = stack;
  const [kind, fileName] = link.name.split(' ') as [string, string | undefined];
  if (kind === 'recordfiledownloadEx') return referenceGatewayBytes(sim, 'recordfiledownloadEx', { callId: sim.samples.gatewayVideoCallId });
  if (kind === 'videofiledownload') {
    return referenceGatewayBytes(sim, 'videofiledownload', { conferenceId: sim.samples.conference.conferenceId, recordId: sim.samples.conference.recordId, fileType: '0' });
  }
  return fileName === BIG_FILE ? syntheticBytes(BIG_FILE, 0, BIG_FILE_BYTES) : sim.fileBytes(fileName!);
}

/** Every link on every replica (not through nginx): the whole file, and a seek into it. */
async function playAndSeekEverywhere(stack: ReplicaStack, links: HashedLink[], agent: http.Agent): Promise<string[]> {
  const problems: string[] = [];
  for (const link of links) {
    const expected = await expectedBytes(stack, link);
    for (const replica of stack.replicas) {
      const url = onServer(link.url, replica.url);
      const whole = await download(agent, url);
      if (whole.status !== 200 || !whole.complete || sha256(whole.body) !== link.sha256) problems.push(`${link.name} on ${replica.name}: ${whole.status}`);
      const start = Math.floor(expected.length / 3);
      const seek = await download(agent, url, { headers: { range: `bytes=${start}-${start + 4095}` } });
      if (seek.status !== 206 || !seek.body.equals(expected.subarray(start, start + 4096))) problems.push(`${link.name} seek on ${replica.name}: ${seek.status}`);
      figures.bytes.verified += whole.body.length + seek.body.length;
    }
  }
  return problems;
}

async function metricSum(replicas: Replica[], line: RegExp): Promise<number> {
  let sum = 0;
  for (const replica of replicas) {
    try {
      const text = await (await fetch(`${replica.url}/metrics`)).text();
      for (const row of text.split('\n')) {
        const match = line.exec(row);
        if (match) sum += Number(match[1]);
      }
    } catch {
      // not answering: counted as 0
    }
  }
  return sum;
}

interface Takeover {
  stoppedReplica: string;
  agentId: string;
  takeoverMs: number | undefined;
  takenBy: string | undefined;
  exitMs: number;
  restartMs: number;
}

/** SIGTERM to a replica holding an agent; who takes the agent over and when; then start it again. */
async function stopAndRestartAHolder(stack: ReplicaStack): Promise<Takeover> {
  const statuses = await Promise.all(stack.replicas.map((replica) => replica.status()));
  const index = statuses.findIndex((status) => status?.heldAgentId !== null && status?.session === 'signed_in');
  if (index < 0) throw new Error('no replica holds a signed-in agent');
  const victim = stack.replicas[index]!;
  const agentId = statuses[index]!.heldAgentId!;
  // Watched in the lease table (not through /readyz, whose own latency under load would count):
  // another holder, whose session is signed in.
  const leases = new pg.Client({ connectionString: stack.databaseUrl });
  await leases.connect();
  const leaseOf = async () =>
    (await leases.query<{ holder_id: string; relay_url: string; ready: number }>('select holder_id, relay_url, ready from agent_lease where agent_id = $1', [agentId])).rows[0];
  const before = await leaseOf();
  const stopped = Date.now();
  let takenBy: string | undefined;
  const watching = pollUntil(
    async () => {
      const lease = await leaseOf();
      if (lease === undefined || lease.holder_id === before?.holder_id || lease.ready !== 1) return false;
      takenBy = stack.replicas.find((replica) => replica.url === lease.relay_url)?.name ?? lease.relay_url;
      return true;
    },
    LEASE_SECONDS * 1000 + 20_000,
    50,
  ).then((held) => (held ? Date.now() - stopped : undefined));
  await victim.stop();
  const exitMs = Date.now() - stopped;
  const takeoverMs = await watching;
  await leases.end();
  const restarting = Date.now();
  await victim.start();
  await pollUntil(async () => (await victim.status())?.ready === true, 30_000, 100);
  return { stoppedReplica: victim.name, agentId, takeoverMs, takenBy, exitMs, restartMs: Date.now() - restarting };
}

interface IndexFigures {
  windows: number;
  windowsIngested: number;
  /** Windows asked at least once, and queryBillData calls recorded for all windows. */
  windowsAsked: number;
  asks: number;
  filesIngested: number;
  recordings: number;
}

/** The recording index in PostgreSQL: windows and their asks, files and their downloads. */
async function recordingIndex(databaseUrl: string): Promise<IndexFigures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const one = async (query: string): Promise<number> => Number((await client.query<{ n: string }>(query)).rows[0]?.n ?? 0);
    return {
      windows: await one('select count(*) as n from index_window'),
      windowsIngested: await one("select count(*) as n from index_window where state = 'ingested'"),
      windowsAsked: await one('select count(*) as n from index_window where attempts > 0'),
      asks: await one('select coalesce(sum(attempts), 0) as n from index_window'),
      filesIngested: await one("select count(*) as n from export_file where kind = 'record' and state = 'ingested'"),
      recordings: await one('select count(*) as n from recording'),
    };
  } finally {
    await client.end();
  }
}

async function run(stack: ReplicaStack): Promise<Record<string, boolean>> {
  const started = Date.now();
  const { sim, lb, replicas } = stack;
  const agent = createAgent();
  const poolSettled = async () => {
    const statuses = await Promise.all(replicas.map((replica) => replica.status()));
    const holders = statuses.filter((status) => status?.heldAgentId !== null && status?.session === 'signed_in').length;
    return statuses.every((status) => status?.ready) && holders === 2 && statuses.every((status) => status?.free === 0);
  };
  if (!(await pollUntil(poolSettled, 30_000, 100))) throw new Error('the pool did not settle: two holders, one relaying replica');

  // Minted on one replica (its GraphQL directly), on the load balancer's address.
  const first = replicas[0]!;
  const recordings = sim.samples.recordings.slice(0, LOAD_RECORDINGS);
  const warm = await postGraphQL(agent, `${first.url}/graphql`, 'query W($f: [String!]!) { recordings(fileNames: $f) { playback { token } } }', { f: recordings });
  if (warm.errors?.length) throw new Error(`warm-up failed: ${warm.errors[0]?.message}`);
  const links = await mintLoadLinks(sim, `${first.url}/graphql`, agent, (kind) =>
    kind === 'recordfiledownloadEx'
      ? referenceGatewayBytes(sim, 'recordfiledownloadEx', { callId: sim.samples.gatewayVideoCallId })
      : referenceGatewayBytes(sim, 'videofiledownload', { conferenceId: sim.samples.conference.conferenceId, recordId: sim.samples.conference.recordId, fileType: '0' }),
  );
  const distinctFiles = new Set([...recordings, BIG_FILE]).size;
  const tokensBeforeLoad = sim.counters.calls.requestPlayVoice;
  const playedEverywhere = await playAndSeekEverywhere(stack, links, agent);
  agent.destroy();

  const load = runClients({
    graphqlUrl: `${lb.url}/graphql`,
    samples: sim.samples,
    links,
    seconds: LOAD_SECONDS,
    graphqlClients: GRAPHQL_CLIENTS,
    downloaders: DOWNLOADERS,
    brokenTransfersExpected: true,
  });
  await new Promise((resolve) => setTimeout(resolve, Math.max(2, LOAD_SECONDS * 0.25) * 1000));
  const takeover = await stopAndRestartAHolder(stack);
  const report = await load;
  const verifiedBeforeLoad = figures.bytes.verified;
  Object.assign(figures, report);
  figures.bytes.verified += verifiedBeforeLoad;
  const tokensDuringLoad = sim.counters.calls.requestPlayVoice - tokensBeforeLoad;

  // After the load: the pool settles again, and every replica (the restarted one too) serves gateway media.
  const settledAgain = await pollUntil(poolSettled, LEASE_SECONDS * 1000 + 10_000, 100);
  const after = createAgent();
  const gatewayLinks = links.filter((link) => link.name === 'recordfiledownloadEx' || link.name === 'videofiledownload');
  const gatewayAfter: string[] = [];
  for (const link of gatewayLinks) {
    for (const replica of replicas) {
      const answer = await download(after, onServer(link.url, replica.url));
      if (answer.status !== 200 || sha256(answer.body) !== link.sha256) gatewayAfter.push(`${link.name} on ${replica.name}: ${answer.status}`);
      else figures.bytes.verified += answer.body.length;
    }
  }
  after.destroy();

  // The replicas keep planning a window every 10 s: wait for a moment when no ask or download is
  // under way. A window asked twice, or a file downloaded by two replicas, never gets there.
  let index = await recordingIndex(stack.databaseUrl);
  let bills = { asked: 0, downloads: 0 };
  const indexConsistent = await pollUntil(
    async () => {
      bills = { asked: sim.counters.calls.queryBillData, downloads: sim.counters.calls.downloadBillFile };
      index = await recordingIndex(stack.databaseUrl);
      return index.asks === index.windowsAsked && bills.asked === index.asks && bills.downloads === index.filesIngested;
    },
    30_000,
    100,
  );

  const log = lb.accessLog();
  const perReplica = Object.fromEntries(replicas.map((replica) => [replica.name, log.filter((line) => line.upstreams.at(-1) === `127.0.0.1:${replica.port}`).length]));
  const movedOn = log.filter((line) => line.upstreams.length > 1).length;
  const failedAtNginx = log.filter((line) => line.status >= 500).length;
  const relayed = await metricSum(replicas, /^cc_agent_gateway_relayed_total\{direction="out"\} (\d+)/);
  const forced = sim.counters.forcedSignIns + sim.counters.calls.forcelogin;
  const warnings: Record<string, number> = {};
  for (const replica of replicas) {
    for (const line of [...replica.logLines, ...(replica.process?.lines ?? [])]) {
      if (line.msg === 'request' || (line.msg === 'media access' && Number(line.status) < 500)) continue;
      // Audit lines say which media failed and how (never a link or a token).
      const detail = line.msg === 'media access' ? ` ${String(line.target)} ${String(line.status)} ${String(line.error ?? '')}` : '';
      const msg = `${replica.name}: ${String(line.msg ?? line.text ?? '')}${detail}`;
      warnings[msg] = (warnings[msg] ?? 0) + 1;
    }
  }
  const tokenMisses = await metricSum(replicas, /^playback_token_cache_total\{outcome="miss"\} (\d+)/);
  // Kind, replica and second only (the request line of a media path would be its link).
  const nginxErrors = lb.errorLog().map((line) => {
    const port = /upstream: "http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1];
    const replica = replicas.find((r) => String(r.port) === port)?.name ?? '-';
    const second = /^\S+ (\d\d:\d\d:\d\d)/.exec(line)?.[1] ?? '';
    return `${second} ${replica} ${line.replace(/^.*?\[\w+\] \d+#\d+: \*\d+ /, '').replace(/, client:.*$/, '')}`;
  });
  const nginxErrorKinds: Record<string, number> = {};
  for (const line of nginxErrors) nginxErrorKinds[line] = (nginxErrorKinds[line] ?? 0) + 1;

  figures.seconds = (Date.now() - started) / 1000;
  figures.notes = [
    `${LOAD_SECONDS} s of load through nginx (round-robin, keep-alive to the replicas): ${GRAPHQL_CLIENTS} GraphQL clients and ${DOWNLOADERS} downloaders; 3 replicas, 2 pool agents, leases in PostgreSQL, tokens in Redis`,
    `requests that reached nginx: ${log.length} (per replica, by the upstream that answered: ${JSON.stringify(perReplica)}); answered 5xx by nginx: ${failedAtNginx}; moved on to another replica by nginx: ${movedOn}`,
    `SIGTERM to ${takeover.stoppedReplica} (agent ${takeover.agentId}) at ${Math.round(LOAD_SECONDS * 0.25)} s: exited after ${takeover.exitMs} ms (grace ${GRACE_SECONDS} s); agent taken over by ${takeover.takenBy ?? 'nobody'} ${takeover.takeoverMs === undefined ? 'never' : `after ${takeover.takeoverMs} ms`} (lease ${LEASE_SECONDS} s); restarted and ready in ${takeover.restartMs} ms`,
    `playback tokens asked of the CC-FS: ${tokensBeforeLoad} before the load for ${distinctFiles} files, ${tokensDuringLoad} during it`,
    `gateway downloads relayed by a replica without an agent: ${relayed} (counters of the processes alive at the end); forced sign-ins: ${forced}; sign-ins: ${sim.counters.signIns}`,
    `log lines of the replicas (warn and above) by message: ${JSON.stringify(warnings)}; token cache misses (processes alive at the end): ${tokenMisses}`,
    `nginx error log by kind: ${JSON.stringify(nginxErrorKinds)}`,
    `recording index (a window every 10 s, ingestion running on all 3 replicas): ${index.windows} windows planned, ${index.windowsAsked} asked with ${index.asks} queryBillData calls (simulator: ${bills.asked}); ${index.filesIngested} files ingested (${index.recordings} recordings) with ${bills.downloads} downloadBillFile calls`,
    `every link minted on ${first.name} played and sought on all 3 replicas: ${playedEverywhere.length === 0 ? 'yes' : playedEverywhere.join('; ')}`,
  ];

  return {
    'no unexpected outcome': figures.unexpected.length === 0,
    'no byte lost or corrupted': figures.bytes.lostOrCorrupted === 0,
    'no request answered 5xx by nginx': failedAtNginx === 0,
    'links minted on one replica play and seek on all': playedEverywhere.length === 0,
    'playback tokens asked once per file, none during the load': tokensBeforeLoad === distinctFiles && tokensDuringLoad === 0,
    'zero forced sign-ins': forced === 0,
    'the stopped replica’s agent taken over within the lease time': takeover.takeoverMs !== undefined && takeover.takeoverMs <= LEASE_SECONDS * 1000,
    'every replica answered requests': Object.values(perReplica).every((n) => n > 0),
    'gateway downloads relayed through a holder': relayed > 0,
    'after the restart: two holders, one relaying replica, no agent free': settledAgain,
    'gateway audio and video byte for byte from every replica after the restart': gatewayAfter.length === 0,
    'recording index: each window asked once, each file downloaded and ingested once': indexConsistent && index.windowsIngested >= 2 && index.recordings > 0,
    'more GraphQL requests than clients': figures.requests.graphql > GRAPHQL_CLIENTS,
    'more downloads than downloaders': figures.requests.downloads > DOWNLOADERS,
  };
}

const stack = await startReplicaStack();
try {
  const checks = await run(stack);
  reportPart({ figures, checks });
} finally {
  await stack.close();
  exitWhenIdle();
}
