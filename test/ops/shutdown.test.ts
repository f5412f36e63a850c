/**
 * SIGTERM on the real process (`src/main.ts` as a child, configured by environment): new connections
 * are refused, a running download finishes within SHUTDOWN_GRACE_SECONDS (or is cut as a broken
 * transfer past it), the service agent is signed out, and the process exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { startSimulator } from '../../src/simulator/simulator.js';
import type { Simulator } from '../../src/simulator/types.js';
import { eventually, onServer, postGraphQL, simulatorEnv } from './ops-harness.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE_NAME = 'Y:/ops/20261122/shutdown-test.V3';
const FILE_SIZE = 48 * 1024;

interface Child {
  process: ChildProcess;
  url: string;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

async function startMain(sim: Simulator, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      ...simulatorEnv(sim),
      NODE_ENV: 'production', // JSON lines only on stdout (no banner)
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      lines.push({ text: line });
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = () => lines.find((line) => line.msg === 'listening');
  try {
    await eventually(() => listening() !== undefined || child.exitCode !== null, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  if (!listening()) throw new Error(`main.ts exited: ${stderr}`);
  return { process: child, url: `http://127.0.0.1:${listening()!.port as number}`, lines, exited };
}

/** A download link from the child, then the first bytes of its body. */
async function startDownload(child: Child): Promise<{ reader: ReadableStreamDefaultReader<Uint8Array>; received: number }> {
  const answer = await postGraphQL(`${child.url}/graphql`, `{ recording(fileName: "${FILE_NAME}") { download { url } } }`);
  const link = (answer.data?.recording as { download: { url: string } }).download.url;
  const response = await fetch(onServer(link, child.url));
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const first = await reader.read();
  return { reader, received: first.value?.length ?? 0 };
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
  let child: Child | undefined;

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
    child.process.kill('SIGTERM');
    await eventually(() => child!.lines.some((line) => line.msg === 'shutting down: no new connections'));
    await expect(fetch(`${child.url}/healthz`)).rejects.toThrow();

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
