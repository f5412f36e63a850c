/**
 * Our subgraph as the process under test: `src/main.ts` (what `npm start` runs) in its own node
 * process, configured through the documented environment variables to use a simulator that runs
 * in another process, exactly as it would be against a real CC platform.
 */
import { randomBytes } from 'node:crypto';
import { freePort } from './free-port.js';
import { spawnNodeEntry, type NodeProcess } from './node-process.js';

export interface SimulatorEndpoints {
  ccfsBaseUrl: string;
  gatewayBaseUrl: string;
  credentials: { accessKey: string; secretKey: string; agentId: string; password: string; phone: string };
}

export interface OurSubgraph extends NodeProcess {
  url: string;
  graphqlUrl: string;
}

export interface OurSubgraphOptions {
  /** Extra node flags (e.g. `--cpu-prof --cpu-prof-dir …`). */
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Another entry than src/main.ts (profiling experiments on a patched copy). */
  entry?: string;
}

let defaultEntry = 'src/main.ts';

/** Measure another tree as ours (e.g. a copy of main, for before/after figures). */
export function setOursEntry(entry: string): void {
  defaultEntry = entry;
}

export async function startOurSubgraph(sim: SimulatorEndpoints, options: OurSubgraphOptions = {}): Promise<OurSubgraph> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await spawnNodeEntry(options.entry ?? defaultEntry, {
    readyUrl: `${url}/healthz`,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      CCFS_BASE_URL: sim.ccfsBaseUrl,
      CCFS_AK: sim.credentials.accessKey,
      CCFS_SK: sim.credentials.secretKey,
      CC_GATEWAY_BASE_URL: sim.gatewayBaseUrl,
      CC_GATEWAY_AGENT_ID: sim.credentials.agentId,
      CC_GATEWAY_PASSWORD: sim.credentials.password,
      CC_GATEWAY_PHONE: sim.credentials.phone,
      MEDIA_LINK_KEYS: `bench:${randomBytes(32).toString('base64')}`,
      ...options.env,
    },
  });
  return { ...child, url, graphqlUrl: `${url}/graphql` };
}
