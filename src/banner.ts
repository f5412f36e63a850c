/** What `npm start` prints for a person: where GraphQL is, and in simulator mode ids to try. */
import type { Config } from './config.js';
import type { Simulator } from './simulator/simulator.js';

/** Not in production, where stdout carries JSON log lines only. */
export function shouldPrintBanner(config: Config): boolean {
  return config.nodeEnv !== 'production';
}

export function printBanner(config: Config, simulator: Simulator | undefined): void {
  const lines = [`GraphQL (Apollo Sandbox in a browser): ${config.publicBaseUrl}/graphql`];
  if (simulator) {
    const s = simulator.samples;
    lines.push(
      `Embedded CC simulator at ${simulator.url} (set CCFS_BASE_URL to use a real CC platform)`,
      'Sample ids to query:',
      `  recording fileName:        ${s.recordings[0]}`,
      `  call (one recording):      ${s.singleRecordingCallId}`,
      `  call (several, a zip):     ${s.multiRecordingCallId}`,
      `  video conferenceId/recordId: ${s.conference.conferenceId} / ${s.conference.recordId}`,
      `  agent operation index:     ${s.agentOperationIndexes[0]}`,
      'Try:',
      `  { recording(fileName: "${s.recordings[0]}") { playback { url expiresAt } download { url fileName } } }`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}
