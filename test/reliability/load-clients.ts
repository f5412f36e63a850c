/**
 * The load generator of the load test, in a process of its own (forked by load-run.ts) so that the
 * server's process is measured alone: GRAPHQL_CLIENTS concurrent GraphQL clients and DOWNLOADERS
 * concurrent downloaders, each in a loop until the time is up. Every answer is checked; every
 * download is hashed and compared with the file's known SHA-256 and length.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { SampleIds } from '../../src/simulator/types.js';
import { createAgent, postGraphQL } from './clients.js';
import { count, newFigures, type Figures } from './figures.js';
import { loadOperations, pick } from './load-operations.js';

export interface HashedLink {
  name: string;
  url: string;
  sha256: string;
  length: number;
}

export interface LoadPlan {
  graphqlUrl: string;
  samples: SampleIds;
  links: HashedLink[];
  seconds: number;
  graphqlClients: number;
  downloaders: number;
  /**
   * A download cut mid-stream (a broken transfer, never a short file that looks complete) is an
   * expected outcome: a replica is stopped during the load. Still counted by kind.
   */
  brokenTransfersExpected?: boolean;
}

export type LoadReport = Pick<Figures, 'requests' | 'outcomes' | 'unexpected' | 'bytes'>;

/** Streams a download through SHA-256 without keeping it: whether it was complete and right. */
function hashedDownload(agent: http.Agent, link: HashedLink): Promise<{ outcome: string; bytes: number; problem?: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(link.url, { agent }, (response) => {
        const hash = createHash('sha256');
        let bytes = 0;
        let settled = false;
        const settle = (value: { outcome: string; bytes: number; problem?: string }): void => {
          if (!settled) {
            settled = true;
            resolve(value);
          }
        };
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          hash.update(chunk);
        });
        response.once('end', () => {
          if (response.statusCode !== 200) return settle({ outcome: `${response.statusCode}`, bytes: 0, problem: `status ${response.statusCode}` });
          const right = bytes === link.length && hash.digest('hex') === link.sha256;
          settle(right ? { outcome: '200 complete', bytes } : { outcome: '200 complete', bytes: 0, problem: `wrong bytes (${bytes} of ${link.length})` });
        });
        response.once('error', () => settle({ outcome: 'broken transfer', bytes: 0, problem: 'broken transfer under load' }));
        response.once('close', () => {
          if (!response.complete) settle({ outcome: 'broken transfer', bytes: 0, problem: 'broken transfer under load' });
        });
      })
      .once('error', reject);
  });
}

async function run(plan: LoadPlan): Promise<LoadReport> {
  const figures = newFigures('load');
  const agent = createAgent(plan.graphqlClients + plan.downloaders + 16);
  const ops = loadOperations(plan.samples);
  const unexpected = (text: string): void => {
    if (figures.unexpected.length < 20) figures.unexpected.push(text);
  };
  const deadline = Date.now() + plan.seconds * 1000;
  const graphqlWorker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const op = pick(ops);
      figures.requests.graphql += 1;
      try {
        const result = await postGraphQL(agent, plan.graphqlUrl, op.query, op.variables());
        if (result.status !== 200 || result.errors?.length || !result.data) {
          throw new Error(`HTTP ${result.status}, ${String(result.errors?.[0]?.extensions?.code ?? '')} ${result.errors?.[0]?.message ?? ''}`);
        }
        op.check(result.data);
        count(figures, 'graphql:ok');
      } catch (error) {
        count(figures, `graphql:${op.name} failed`);
        unexpected(`${op.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const downloadWorker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const link = pick(plan.links);
      figures.requests.downloads += 1;
      try {
        const result = await hashedDownload(agent, link);
        count(figures, `download:${result.outcome}`);
        figures.bytes.verified += result.bytes;
        if (result.problem) {
          if (result.problem.startsWith('wrong bytes')) figures.bytes.lostOrCorrupted += 1;
          if (!(plan.brokenTransfersExpected && result.outcome === 'broken transfer')) unexpected(`${link.name}: ${result.problem}`);
        }
      } catch (error) {
        count(figures, 'download:request failed');
        unexpected(`${link.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all([
    ...Array.from({ length: plan.graphqlClients }, () => graphqlWorker()),
    ...Array.from({ length: plan.downloaders }, () => downloadWorker()),
  ]);
  agent.destroy();
  return { requests: figures.requests, outcomes: figures.outcomes, unexpected: figures.unexpected, bytes: figures.bytes };
}

process.once('message', (plan: LoadPlan) => {
  void run(plan).then(
    (report) => process.send?.(report, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`load clients failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
});
