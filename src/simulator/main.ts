/**
 * `npm run simulator`: the CC simulator on its own (port from SIMULATOR_PORT, default 28090),
 * printing its URLs, demo credentials, a ready `npm start` command line against it, and sample ids.
 * Stops on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { startSimulator } from './simulator.js';

function port(): number {
  const raw = process.env['SIMULATOR_PORT']?.trim();
  if (raw === undefined || raw === '') return 28090;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    console.error('SIMULATOR_PORT: an integer from 0 to 65535');
    process.exit(1);
  }
  return Number(raw);
}

const simulator = await startSimulator({ port: port(), host: process.env['SIMULATOR_HOST']?.trim() || '127.0.0.1' });
const { samples, credentials } = simulator;
const ccfsEnv = `CCFS_BASE_URL=${simulator.ccfsBaseUrl} CCFS_AK=${credentials.accessKey} CCFS_SK=${credentials.secretKey}`;
const gatewayEnv = `CC_GATEWAY_BASE_URL=${simulator.gatewayBaseUrl} CC_GATEWAY_AGENT_ID=${credentials.agentId} CC_GATEWAY_PASSWORD=${credentials.password} CC_GATEWAY_PHONE=${credentials.phone}`;
// With CC URLs set the subgraph is not in simulator mode, so it needs link keys of its own.
const linkKeyEnv = `MEDIA_LINK_KEYS=sim:${randomBytes(32).toString('base64')}`;
const lines = [
  `CC simulator listening on ${simulator.url}`,
  `  CC-FS       ${simulator.ccfsBaseUrl}/CCFS/resource/ccfs/…`,
  `  CC-Gateway  ${simulator.gatewayBaseUrl}/agentgateway/resource/…`,
  `  control     ${simulator.url}/__simulator/state`,
  '',
  'Demo credentials (simulator only):',
  `  ${ccfsEnv}`,
  `  ${gatewayEnv}`,
  '',
  'Serve the subgraph against it from another terminal. With CC URLs set, `npm start` also needs',
  'MEDIA_LINK_KEYS (here a key generated for this run):',
  `  ${ccfsEnv} ${gatewayEnv} ${linkKeyEnv} npm start`,
  '',
  'Sample ids:',
  `  recordings (${samples.recordings.length}): ${samples.recordings.slice(0, 3).join(', ')}, …`,
  `  call with one recording: ${samples.singleRecordingCallId}`,
  `  call with three recordings (zip): ${samples.multiRecordingCallId}`,
  `  MCU video: conferenceId=${samples.conference.conferenceId} recordId=${samples.conference.recordId}`,
  `  gateway video: callId=${samples.gatewayVideoCallId} hwFileName=${samples.gatewayVideoFileName}`,
  `  agent operation indexes: ${samples.agentOperationIndexes.join(', ')}`,
];
console.log(lines.join('\n'));

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
