/**
 * Our subgraph as the process under test (test/support/subgraph-process.ts: src/main.ts, configured
 * by the documented environment variables), or another tree's entry when `--ours-entry` asks for
 * it (e.g. a copy of main, for before/after figures in one run).
 */
import { spawnSubgraph, type SubgraphProcess, type SubgraphProcessOptions } from '../../test/support/subgraph-process.js';
import type { SimulatorEndpoints } from '../../test/support/env.js';

let oursEntry: string | undefined;

/** Measure another tree as ours. */
export function setOursEntry(entry: string): void {
  oursEntry = entry;
}

export function spawnOurs(sim: SimulatorEndpoints, options: SubgraphProcessOptions = {}): Promise<SubgraphProcess> {
  return spawnSubgraph(sim, { inheritEnv: true, ...(oursEntry === undefined ? {} : { entry: oursEntry }), ...options });
}
