/**
 * Our subgraph as the process under test: test/support's spawnSubgraph (src/main.ts in its own node
 * process, configured only through the documented variables), with the bench's environment passed
 * on and, for before/after figures, another tree's entry measured as "ours".
 */
import type { SimulatorEndpoints } from '../../test/support/env.js';
import { spawnSubgraph, type SubgraphProcess, type SubgraphProcessOptions } from '../../test/support/subgraph-process.js';

export type OurSubgraph = SubgraphProcess;

let defaultEntry: string | undefined;

/** Measure another tree as ours (e.g. a copy of main, for before/after figures). */
export function setOursEntry(entry: string): void {
  defaultEntry = entry;
}

export function startOurSubgraph(sim: SimulatorEndpoints, options: Pick<SubgraphProcessOptions, 'env' | 'execArgv' | 'entry'> = {}): Promise<OurSubgraph> {
  const entry = options.entry ?? defaultEntry;
  return spawnSubgraph(sim, { inheritEnv: true, ...options, ...(entry === undefined ? {} : { entry }) });
}
