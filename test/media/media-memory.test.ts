/**
 * Streaming 1 GiB through the media route must not grow the server's RSS by more than 64 MB: the
 * route runs in a child process (an honest RSS of its own), the simulator and the client here.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createLinkCodec, type LinkCodec } from '../../src/media/index.js';
import { newMediaLinkKey, simulatorEnv } from '../support/env.js';
import { startSimulator, type Simulator } from '../support/simulator.js';

const GIB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;
const BIG = 'Y:/9/0/20260101/100/one-gib.V3';
const SMALL = 'Y:/9/0/20260101/100/warm-up.V3';

let sim: Simulator;
let child: ChildProcess;
let codec: LinkCodec;

function ask<T>(message: string): Promise<T> {
  return new Promise<T>((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message);
  });
}

/** GETs a URL and throws the bytes away as they come; resolves with the count and the status. */
function drain(url: string): Promise<{ status: number; bytes: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

beforeAll(async () => {
  sim = await startSimulator();
  sim.addFile(BIG, { size: GIB, kind: 'bytes' });
  sim.addFile(SMALL, { size: 2 * MB, kind: 'bytes' });
  const key = newMediaLinkKey('m1');
  child = fork(fileURLToPath(new URL('./fixtures/media-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...simulatorEnv(sim, { withGateway: false, keys: [key] }),
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n')[0];
      if (text.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`media server exited with ${code}`)));
  });
  codec = createLinkCodec({ keys: [key], publicBaseUrl: url });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send('stop');
    await exited;
  }
  await sim.close();
});

it('streams 1 GiB with less than 64 MB of RSS growth in the server', async () => {
  const link = (fileName: string) =>
    codec.mint({ target: { kind: 'downloadRecord', fileName }, disposition: 'attachment', fileName: 'f.V3', ttlSeconds: 600 }).url;
  // Warm up sockets, JIT and buffers so that the baseline is a running server's.
  const warm = await drain(link(SMALL));
  expect(warm).toEqual({ status: 200, bytes: 2 * MB, complete: true });
  await ask('mark');

  const result = await drain(link(BIG));
  expect(result).toEqual({ status: 200, bytes: GIB, complete: true });
  const { baseline, peak } = await ask<{ baseline: number; peak: number }>('report');
  const growthMb = (peak - baseline) / MB;
  process.stdout.write(`media route RSS: baseline ${(baseline / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, growth ${growthMb.toFixed(1)} MB\n`);
  expect(peak - baseline).toBeLessThan(64 * MB);
}, 120_000);
