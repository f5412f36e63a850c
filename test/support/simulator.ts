/** The embedded simulator as tests use it, and the endpoints whose calls tests count. */
import type { SimEndpoint, Simulator } from '../../src/simulator/types.js';

export { startSimulator } from '../../src/simulator/simulator.js';
export { DOWNLOAD_ENDPOINTS } from '../../src/simulator/types.js';
export type { SimEndpoint, Simulator, SimulatorOptions } from '../../src/simulator/types.js';

/** Endpoints a GraphQL request or a media download may cause (the agent session polls on its own). */
export const REQUEST_ENDPOINTS: readonly SimEndpoint[] = [
  'requestPlayVoice',
  'playVoice',
  'downloadRecord',
  'downloadAgentOprInfoFile',
  'recordfiledownloadEx',
  'videofiledownload',
];

/** Calls the simulator has received on these endpoints. */
export function callsTo(sim: Simulator, endpoints: readonly SimEndpoint[] = REQUEST_ENDPOINTS): number {
  return endpoints.reduce((sum, endpoint) => sum + sim.counters.calls[endpoint], 0);
}
