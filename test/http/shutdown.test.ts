/**
 * SIGTERM on the real process (`src/main.ts` as a child, configured by environment): new connections
 * are refused, a keep-alive connection that was open is answered once more (then closed: a router
 * may be sending on it), a running download finishes within SHUTDOWN_GRACE_SECONDS (or is cut as a
 * broken transfer past it), the service agent is signed out, and the process exits 0.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { eventually } from '../support/eventually.js';
import { onServer, postGraphQL } from '../support/graphql-client.js';
import { startSimulator, type Simulator } from '../support/simulator.js';
import { spawnSubgraph, type SubgraphProcess } from '../support/subgraph-process.js';

const FILE_NAME = 'Y:/ops/20261122/shutdown-test.V3';
const FILE_SIZE = 48 * 1024;

function startMain(sim: Simulator, env: Record<string, string>): Promise<SubgraphProcess> {
  return spawnSubgraph(sim, { captureLogs: true, env: { LOG_LEVEL: 'info', ...env } });
}

/** A download link from the child, then the first bytes of its body. */
async function startDownload(child: SubgraphProcess): Promise<{ reader: ReadableStreamDefaultReader<Uint8Array>; received: number }> {
  const answer = await postGraphQL(`${child.url}/graphql`, `{ recording(fileName: "${FILE_NAME}") { download { url } } }`);
  const link = (answer.data?.recording as { download: { url: string } }).download.url;
  const response = await fetch(onServer(link, child.url));
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const first = await reader.read();
  return { reader, received: first.value?.length ?? 0 };
}

/** GET /healthz on a connection of its own (no keep-alive pool): its status, or the connection error. */
function freshHealthz(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).once('error', reject);
  });
}

/** A keep-alive connection as a router holds it: one request now, more later on the same socket. */
async function keepAliveConnection(url: string): Promise<{ get(): Promise<{ status: string; connection: string | undefined }>; closed: Promise<void> }> {
  const { port } = new URL(url);
  const socket = net.connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let buffer = '';
  socket.on('data', (chunk: Buffer) => (buffer += chunk.toString('latin1')));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    closed,
    async get() {
      buffer = '';
      socket.write('GET /healthz HTTP/1.1\r\nHost: subgraph\r\nConnection: keep-alive\r\n\r\n');
      await eventually(() => /\r\n\r\n\{"status":"ok"\}$/.test(buffer), 5_000);
      return { status: buffer.split('\r\n')[0]!, connection: /\r\nconnection: ([^\r]+)/i.exec(buffer)?.[1]?.toLowerCase() };
    },
  };
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<number> {
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return received;
    received += value.length;
  }
}

describe('SIGTERM', () => {
  let sim: Simulator;
  let child: SubgraphProcess | undefined;

  beforeEach(async () => {
    sim = await startSimulator({});
    sim.addFile(FILE_NAME, { size: FILE_SIZE, kind: 'bytes' });
  });
  afterEach(async () => {
    if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
    await child?.exited;
    child = undefined;
    await sim.close();
  });

  it('lets a running download finish, refuses new connections, signs the agent out and exits 0', async () => {
    child = await startMain(sim, { SHUTDOWN_GRACE_SECONDS: '60' });
    await eventually(() => sim.isSignedIn(sim.credentials.agentId));
    await eventually(async () => (await fetch(`${child!.url}/readyz`)).status === 200);

    sim.knobs.bytesPerSecond = 16 * 1024; // about three seconds for the file
    const download = await startDownload(child);
    const router = await keepAliveConnection(child.url);
    expect(await router.get()).toEqual({ status: 'HTTP/1.1 200 OK', connection: 'keep-alive' });
    child.process.kill('SIGTERM');
    await eventually(() => child!.lines.some((line) => line.msg === 'shutting down: no new connections'));
    await expect(freshHealthz(child.url)).rejects.toThrow(/ECONNREFUSED/);
    // The connection the router already had still answers, saying it closes after this answer.
    expect(await router.get()).toEqual({ status: 'HTTP/1.1 200 OK', connection: 'close' });
    await router.closed;

    const rest = await readRest(download.reader);
    expect(download.received + rest).toBe(FILE_SIZE);
    expect(await child.exited).toBe(0);
    expect(sim.isSignedIn(sim.credentials.agentId)).toBe(false);
    const messages = child.lines.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(['requests finished', 'CC-Gateway agent signed out', 'stopped']));
  });

  it('cuts a download still running at the end of the grace period as a broken transfer, then exits 0', async () => {
    child = await startMain(sim, { SHUTDOWN_GRACE_SECONDS: '1' });
    await eventually(() => sim.isSignedIn(sim.credentials.agentId));

    sim.knobs.bytesPerSecond = 2 * 1024; // far longer than the grace period
    const download = await startDownload(child);
    child.process.kill('SIGTERM');
    await expect(readRest(download.reader)).rejects.toThrow();
    expect(await child.exited).toBe(0);
    expect(sim.isSignedIn(sim.credentials.agentId)).toBe(false);
    expect(child.lines.find((line) => line.msg === 'grace period over: cut the requests still running')).toMatchObject({
      graceful: false,
      cut: 1,
    });
  });
});
