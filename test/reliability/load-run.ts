/**
 * (Run by load.reliability.ts in a process of its own.) Bounded load: the simulator and the
 * server run here; 200 concurrent GraphQL clients and 20 concurrent downloaders run in another
 * process (load-clients.ts) for RELIABILITY_LOAD_SECONDS (default 30). Afterwards this process —
 * the server's — must hold no more sockets or handles than before the load, no upstream stream may
 * be open, and its heap must be back near where it started.
 */
import { pollUntil } from '../support/eventually.js';
import { createAgent, download, postGraphQL } from './clients.js';
import { exitWhenIdle, reportPart } from './child-part.js';
import { activeResources, collectGarbage, mib, newFigures } from './figures.js';
import { mintLoadLinks, runClients } from './load-links.js';
import { loadOperations } from './load-operations.js';
import { REQUEST_ENDPOINTS, startStack, type Stack } from './stack.js';

const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 30);
const GRAPHQL_CLIENTS = 200;
const DOWNLOADERS = 20;
const figures = newFigures('load');

async function runLoad(stack: Stack): Promise<Record<string, boolean>> {
  const started = Date.now();
  const setupAgent = createAgent();
  const links = await mintLoadLinks(stack.sim, stack.server.graphqlUrl, setupAgent);
  // Warm every path once (caches, JIT, pools), let our sockets go, and take the baseline.
  for (const op of loadOperations(stack.sim.samples)) {
    const result = await postGraphQL(setupAgent, stack.server.graphqlUrl, op.query, op.variables());
    if (result.errors?.length || !result.data) throw new Error(`warm-up ${op.name} failed: ${result.errors?.[0]?.message}`);
  }
  for (const link of links) await download(setupAgent, link.url);
  setupAgent.destroy();
  await new Promise((resolve) => setTimeout(resolve, 500));
  collectGarbage();
  const before = { resources: activeResources(), memory: process.memoryUsage() };
  const callsBefore = stack.requestCalls();

  const report = await runClients({
    graphqlUrl: stack.server.graphqlUrl,
    samples: stack.sim.samples,
    links,
    seconds: LOAD_SECONDS,
    graphqlClients: GRAPHQL_CLIENTS,
    downloaders: DOWNLOADERS,
  });
  Object.assign(figures, report);
  const upstreamCalls = stack.requestCalls() - callsBefore;

  // The clients' process has ended: nothing may stay open on the server's side or towards the CC.
  const serverConnectionsClosed = await pollUntil(
    () => new Promise<boolean>((resolve) => stack.server.httpServer.getConnections((_error, n) => resolve(n === 0))),
    5_000,
  );
  const upstreamStreamsClosed = await pollUntil(() => REQUEST_ENDPOINTS.every((e) => stack.sim.counters.inFlight[e] === 0), 5_000);
  // Idle keep-alive sockets to the simulator end on its keep-alive timeout (5 s).
  const socketsBack = await pollUntil(() => (activeResources().TCPSocketWrap ?? 0) <= (before.resources.TCPSocketWrap ?? 0) + 2, 15_000, 200);
  collectGarbage();
  const after = { resources: activeResources(), memory: process.memoryUsage() };

  figures.seconds = (Date.now() - started) / 1000;
  figures.memory = {
    heapBeforeMiB: mib(before.memory.heapUsed),
    heapAfterMiB: mib(after.memory.heapUsed),
    rssBeforeMiB: mib(before.memory.rss),
    rssAfterMiB: mib(after.memory.rss),
  };
  figures.handles = { before: before.resources, after: after.resources };
  figures.notes = [
    `${LOAD_SECONDS} s of load (RELIABILITY_LOAD_SECONDS), clients in a separate process; ${upstreamCalls} upstream calls to the simulator`,
    `open connections to the server after the clients left: ${serverConnectionsClosed ? 0 : 'some'}; upstream streams still open: ${upstreamStreamsClosed ? 0 : 'some'}`,
    (globalThis as { gc?: unknown }).gc ? 'memory of the server process, measured after a forced GC' : 'run without --expose-gc: heap figures include garbage',
  ];

  const grown = Object.entries(after.resources).filter(([type, n]) => type !== 'TCPSocketWrap' && n > (before.resources[type] ?? 0) + 3);
  const heapGrowth = after.memory.heapUsed - before.memory.heapUsed;
  return {
    'no unexpected outcome': figures.unexpected.length === 0,
    'no byte lost or corrupted': figures.bytes.lostOrCorrupted === 0,
    'more GraphQL requests than clients': figures.requests.graphql > GRAPHQL_CLIENTS,
    'more downloads than downloaders': figures.requests.downloads > DOWNLOADERS,
    'no connection to the server left open': serverConnectionsClosed,
    'no upstream stream left open': upstreamStreamsClosed,
    'TCP sockets back to the baseline (+2)': socketsBack,
    // Timers and other handles: no more than a few more than before (the agent session's own).
    'other handles back to the baseline (+3)': grown.length === 0,
    // Caches are bounded; allow them and the JIT some room.
    'heap within 48 MiB of the baseline': heapGrowth < 48 * 2 ** 20,
  };
}

const stack = await startStack();
try {
  const checks = await runLoad(stack);
  reportPart({ figures, checks });
} finally {
  await stack.close();
  exitWhenIdle();
}
