/**
 * The two observers of every fault: a GraphQL client asking for a playback grant (which needs
 * requestPlayVoice) and a downloader fetching media links minted before the fault. Each probe says
 * what its client saw in a few words, and whether that was honest: a clear error, or a success
 * whose bytes are exactly the file's. A success with wrong or missing bytes is a "problem".
 */
import type http from 'node:http';
import { syntheticBytes } from '../../src/simulator/simulator.js';
import { download, postGraphQL, type Download } from './clients.js';
import type { Stack } from './stack.js';

/** Codes a GraphQL client may see for a failed upstream call (README, Errors). */
export const UPSTREAM_ERROR_CODES = new Set([
  'CC_FILE_NOT_FOUND',
  'CC_FLOW_CONTROL',
  'CC_UNAUTHORIZED',
  'CC_UNAVAILABLE',
  'CC_GATEWAY_NOT_CONFIGURED',
  'CC_ERROR',
]);

export interface Observation {
  /** e.g. `valid answer`, `CC_UNAVAILABLE`, `200 complete`, `503 CC_UNAVAILABLE`, `broken transfer`. */
  outcome: string;
  /** Set when the client was misled: wrong bytes, a truncated "success", an unclear error. */
  problem?: string;
  /** Bytes checked against the file. */
  verifiedBytes: number;
}

export interface MediaLinkUnderTest {
  name: string;
  url: string;
  expected: Buffer;
}

export const PLAYBACK_QUERY = `query Probe($f: String!) {
  recording(fileName: $f) { fileName playback { token expiresAt url } download { url } }
}`;

interface ProbeData {
  recording: { fileName: string; playback: { token: string; expiresAt: string; url: string } | null; download: { url: string } | null } | null;
}

/** Judges one GraphQL answer for a recording's playback. */
export function judgeGraphQL(fileName: string, result: Awaited<ReturnType<typeof postGraphQL<ProbeData>>>): Observation {
  const playback = result.data?.recording?.playback;
  const errors = result.errors ?? [];
  if (result.status !== 200) return { outcome: `HTTP ${result.status}`, problem: `GraphQL answered HTTP ${result.status}`, verifiedBytes: 0 };
  if (result.data?.recording?.fileName !== fileName) return { outcome: 'no recording', problem: 'recording missing or renamed', verifiedBytes: 0 };
  // Recording.download verifies the file through the same requestPlayVoice first: it stands or falls with playback.
  const download = result.data.recording.download;
  if (Boolean(download?.url) !== Boolean(playback)) {
    return { outcome: 'inconsistent answer', problem: 'download and playback disagree about the same requestPlayVoice', verifiedBytes: 0 };
  }
  if (playback) {
    if (errors.length > 0) return { outcome: 'answer with errors', problem: 'playback present together with errors', verifiedBytes: 0 };
    if (!/^[0-9A-F]{32}$/.test(playback.token) || !playback.url.includes('/media/')) {
      return { outcome: 'valid answer', problem: 'playback token or url malformed', verifiedBytes: 0 };
    }
    return { outcome: 'valid answer', verifiedBytes: 0 };
  }
  const error = errors.find((e) => e.path?.join('.') === 'recording.playback');
  const downloadError = errors.find((e) => e.path?.join('.') === 'recording.download');
  const code = error?.extensions?.code;
  if (typeof code !== 'string' || !UPSTREAM_ERROR_CODES.has(code) || !error?.message) {
    return { outcome: `unclear error ${String(code)}`, problem: 'playback null without a clear error at its path', verifiedBytes: 0 };
  }
  if (downloadError?.extensions?.code !== code) {
    return { outcome: `${code}, download ${String(downloadError?.extensions?.code)}`, problem: 'download null without the same error at its path', verifiedBytes: 0 };
  }
  const ccCode = error.extensions?.ccResultCode;
  return { outcome: typeof ccCode === 'string' ? `${code} (${ccCode})` : code, verifiedBytes: 0 };
}

/** Judges one download of a link whose correct bytes are known. */
export function judgeDownload(result: Download, expected: Buffer): Observation {
  const ok = result.status === 200;
  if (ok && result.complete) {
    return result.body.equals(expected)
      ? { outcome: '200 complete', verifiedBytes: result.body.length }
      : { outcome: '200 complete', problem: `a complete-looking 200 with wrong bytes (${result.body.length} of ${expected.length})`, verifiedBytes: 0 };
  }
  if (ok) {
    // A broken transfer is the honest signal for a failure after the first byte; what did arrive must be right.
    const prefixOk = result.body.length < expected.length && expected.subarray(0, result.body.length).equals(result.body);
    return prefixOk
      ? { outcome: 'broken transfer', verifiedBytes: result.body.length }
      : { outcome: 'broken transfer', problem: 'the bytes before the break are wrong', verifiedBytes: 0 };
  }
  if (result.status >= 400) {
    const type = String(result.headers['content-type'] ?? '');
    let code: unknown;
    try {
      code = (JSON.parse(result.body.toString('utf8')) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (!type.startsWith('application/json') || typeof code !== 'string') {
      return { outcome: `${result.status} without a JSON error`, problem: 'an error status without a clear JSON error', verifiedBytes: 0 };
    }
    const retryAfter = result.headers['retry-after'] ? ` retry-after ${String(result.headers['retry-after'])}` : '';
    return { outcome: `${result.status} ${code}${retryAfter}`, verifiedBytes: 0 };
  }
  return { outcome: `${result.status}`, problem: `unexpected status ${result.status}`, verifiedBytes: 0 };
}

export async function probeGraphQL(stack: Stack, agent: http.Agent, fileName: string): Promise<Observation> {
  const result = await postGraphQL<ProbeData>(agent, stack.server.graphqlUrl, PLAYBACK_QUERY, { f: fileName });
  return judgeGraphQL(fileName, result);
}

export async function probeDownload(agent: http.Agent, link: MediaLinkUnderTest): Promise<Observation> {
  return judgeDownload(await download(agent, link.url), link.expected);
}

async function mustQuery<TData>(stack: Stack, agent: http.Agent, query: string, variables: Record<string, unknown>): Promise<TData> {
  const result = await postGraphQL<TData>(agent, stack.server.graphqlUrl, query, variables);
  if (result.errors?.length || !result.data) throw new Error(`setup query failed: ${result.errors?.[0]?.message ?? result.status}`);
  return result.data;
}

/** A synthetic recording large enough that a mid-stream cut lands inside it. */
export const BIG_RECORDING = 'Y:/1/0/20261120/777/reliability-big.V3';
export const BIG_RECORDING_BYTES = 3 * 2 ** 20 + 12_345;

/**
 * Links to every kind of media, minted (and their correct bytes fetched) before any fault:
 * playVoice and downloadRecord of a sample and of a 3 MiB synthetic recording (bytes from the
 * simulator's own generator), and the CC-Gateway's call audio and MCU video (reference bytes taken
 * from one clean download whose length matched its Content-Length).
 */
export async function mintLinksUnderTest(stack: Stack, agent: http.Agent): Promise<MediaLinkUnderTest[]> {
  const { samples } = stack.sim;
  stack.sim.addFile(BIG_RECORDING, { size: BIG_RECORDING_BYTES, kind: 'bytes' });
  const small = samples.recordings[0]!;
  const data = await mustQuery<{
    small: { playback: { url: string }; download: { url: string } };
    big: { playback: { url: string }; download: { url: string } };
    call: { gatewayRecording: { url: string } };
    video: { download: { url: string } };
  }>(
    stack,
    agent,
    `query Links($small: String!, $big: String!, $callId: ID!, $conferenceId: ID!, $recordId: ID!) {
      small: recording(fileName: $small) { playback { url } download(expiresInSeconds: 3600) { url } }
      big: recording(fileName: $big) { playback { url } download(expiresInSeconds: 3600) { url } }
      call(callId: $callId) { gatewayRecording(expiresInSeconds: 3600) { url } }
      video: videoRecording(conferenceId: $conferenceId, recordId: $recordId) { download(expiresInSeconds: 3600) { url } }
    }`,
    {
      small,
      big: BIG_RECORDING,
      callId: samples.gatewayVideoCallId,
      conferenceId: samples.conference.conferenceId,
      recordId: samples.conference.recordId,
    },
  );
  const smallBytes = await stack.sim.fileBytes(small);
  const bigBytes = syntheticBytes(BIG_RECORDING, 0, BIG_RECORDING_BYTES);
  const reference = async (url: string): Promise<Buffer> => {
    const first = await download(agent, url);
    if (first.status !== 200 || !first.complete || first.body.length === 0) throw new Error(`reference download failed: ${first.status}`);
    return first.body;
  };
  return [
    { name: 'playVoice (sample)', url: data.small.playback.url, expected: smallBytes },
    { name: 'downloadRecord (sample)', url: data.small.download.url, expected: smallBytes },
    { name: 'playVoice (3 MiB)', url: data.big.playback.url, expected: bigBytes },
    { name: 'downloadRecord (3 MiB)', url: data.big.download.url, expected: bigBytes },
    { name: 'recordfiledownloadEx', url: data.call.gatewayRecording.url, expected: await reference(data.call.gatewayRecording.url) },
    { name: 'videofiledownload', url: data.video.download.url, expected: await reference(data.video.download.url) },
  ];
}
