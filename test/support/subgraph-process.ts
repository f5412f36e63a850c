/**
 * The subgraph as `npm run dev` runs it (src/main.ts under tsx; `npm start` runs the same code compiled) in its own node process, configured only through
 * the documented environment variables to use a simulator (in this process or another one), exactly
 * as it would be against a real CC platform.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulatorEnv, type SimulatorEndpoints, type SimulatorEnvOptions } from './env.js';
import { spawnNodeEntry, type NodeProcess } from './node-process.js';
import { freePort } from './ports.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SubgraphProcess extends NodeProcess {
  url: string;
  graphqlUrl: string;
}

export interface SubgraphProcessOptions extends SimulatorEnvOptions {
  /** Added to (and overriding) the simulator's environment; NODE_ENV defaults to production. */
  env?: NodeJS.ProcessEnv;
  /** Also pass this process's environment on (below the simulator's); default only PATH. */
  inheritEnv?: boolean;
  /** Extra node flags (e.g. `--cpu-prof --cpu-prof-dir …`). */
  execArgv?: string[];
  /** Another entry than src/main.ts (profiling experiments on a patched copy). */
  entry?: string;
  /** Keep the JSON log lines of stdout in `lines`. */
  captureLogs?: boolean;
  /** A fixed port (a replica started again behind a load balancer); default a free one. */
  port?: number;
}

export async function spawnSubgraph(sim: SimulatorEndpoints, options: SubgraphProcessOptions = {}): Promise<SubgraphProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  // Each process its own embedded database (unless the caller names one), removed when it stops.
  const dataDir = options.env?.['DATA_DIR'] === undefined ? mkdtempSync(path.join(tmpdir(), 'cc-media-data-')) : undefined;
  const child = await spawnNodeEntry(options.entry ?? 'src/main.ts', {
    cwd: PROJECT_ROOT,
    readyUrl: `${url}/healthz`,
    captureStdout: options.captureLogs ?? false,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    env: {
      ...(options.inheritEnv ? process.env : { PATH: process.env.PATH ?? '' }),
      ...simulatorEnv(sim, options),
      // JSON lines only on stdout (no banner).
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      // Where other replicas relay gateway downloads to (only used with an agent pool).
      INTERNAL_BASE_URL: url,
      ...(dataDir === undefined ? {} : { DATA_DIR: dataDir }),
      ...options.env,
    },
  });
  if (dataDir === undefined) return { ...child, url, graphqlUrl: `${url}/graphql` };
  void child.exited.then(() => rmSync(dataDir, { recursive: true, force: true }));
  return { ...child, url, graphqlUrl: `${url}/graphql` };
}
