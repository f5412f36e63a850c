/**
 * The subgraph as `npm run dev` runs it (src/main.ts under tsx; `npm start` runs the same code compiled) in its own node process, configured only through
 * the documented environment variables to use a simulator (in this process or another one), exactly
 * as it would be against a real CC platform.
 */
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
      ...options.env,
    },
  });
  return { ...child, url, graphqlUrl: `${url}/graphql` };
}
