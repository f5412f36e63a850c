/**
 * Shared by the load parts of the suite (one replica: load-run.ts; three behind nginx:
 * replicas-run.ts): links to every kind of media with their known SHA-256, and the load clients
 * run in a process of their own.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { syntheticBytes } from '../../src/simulator/simulator.js';
import type { Simulator } from '../support/simulator.js';
import { download, postGraphQL } from './clients.js';
import type { HashedLink, LoadPlan, LoadReport } from './load-clients.js';

export const BIG_FILE = 'Y:/1/0/20261120/778/load-2mib.V3';
export const BIG_FILE_BYTES = 2 * 2 ** 20 + 777;

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Links to every kind of media, minted through `graphqlUrl`, with their correct hash: recordings
 * from the simulator's own bytes, gateway media from `gatewayReference` when given (bytes fetched
 * straight from the simulator), else from one clean download at rest whose length matched
 * Content-Length.
 */
export async function mintLoadLinks(
  sim: Simulator,
  graphqlUrl: string,
  agent: http.Agent,
  gatewayReference?: (kind: 'recordfiledownloadEx' | 'videofiledownload') => Promise<Buffer>,
): Promise<HashedLink[]> {
  sim.addFile(BIG_FILE, { size: BIG_FILE_BYTES, kind: 'bytes' });
  const names = [...sim.samples.recordings.slice(0, 6), BIG_FILE];
  const answer = await postGraphQL<{
    recordings: Array<{ fileName: string; playback: { url: string }; download: { url: string } }>;
    call: { gatewayRecording: { url: string } };
    videoRecording: { download: { url: string } };
  }>(
    agent,
    graphqlUrl,
    `query L($f: [String!]!, $callId: ID!, $c: ID!, $r: ID!) {
      recordings(fileNames: $f) { fileName playback { url } download(expiresInSeconds: 3600) { url } }
      call(callId: $callId) { gatewayRecording(expiresInSeconds: 3600) { url } }
      videoRecording(conferenceId: $c, recordId: $r) { download(expiresInSeconds: 3600) { url } }
    }`,
    { f: names, callId: sim.samples.gatewayVideoCallId, c: sim.samples.conference.conferenceId, r: sim.samples.conference.recordId },
  );
  if (answer.errors?.length || !answer.data) throw new Error(`minting links failed: ${answer.errors?.[0]?.message}`);
  const links: HashedLink[] = [];
  for (const r of answer.data.recordings) {
    const expected = r.fileName === BIG_FILE ? syntheticBytes(BIG_FILE, 0, BIG_FILE_BYTES) : await sim.fileBytes(r.fileName);
    for (const [kind, url] of [
      ['playVoice', r.playback.url],
      ['downloadRecord', r.download.url],
    ] as const) {
      links.push({ name: `${kind} ${r.fileName}`, url, sha256: sha256(expected), length: expected.length });
    }
  }
  for (const [name, url] of [
    ['recordfiledownloadEx', answer.data.call.gatewayRecording.url],
    ['videofiledownload', answer.data.videoRecording.download.url],
  ] as const) {
    let reference: Buffer;
    if (gatewayReference) {
      reference = await gatewayReference(name);
    } else {
      const once = await download(agent, url);
      if (once.status !== 200 || !once.complete) throw new Error(`reference download of ${name} failed`);
      reference = once.body;
    }
    links.push({ name, url, sha256: sha256(reference), length: reference.length });
  }
  return links;
}

/** The load clients (load-clients.ts) in a process of their own, so the server's process is measured alone. */
export function runClients(plan: LoadPlan): Promise<LoadReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-clients.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (report: LoadReport) => resolve(report));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load clients exited ${code}`));
    });
    child.send(plan);
  });
}
