/**
 * (Run by fuzz.reliability.ts in a process of its own.) Fuzzing:
 * - at least 10,000 random and mutated media link tokens (RELIABILITY_FUZZ_TOKENS): every one
 *   answered 403 (or 410 for an authentic expired one) with a JSON error, never a 500, never a
 *   byte of media, and no download call reaches the simulator;
 * - random and hostile GraphQL arguments (RELIABILITY_FUZZ_ARGS): BAD_USER_INPUT or a valid
 *   answer, never a crash, and no upstream call from a request whose only upstream-bound input
 *   the contract says must be refused.
 * RELIABILITY_SEED makes a run repeatable.
 */
import http from 'node:http';
import { createAgent, download, postGraphQL, type GraphQLResult } from './clients.js';
import { exitWhenIdle, reportPart } from './child-part.js';
import { count, newFigures } from './figures.js';
import { generateArgumentCases, type FuzzCase } from './argument-fuzz.js';
import { generateTokens, seededRandom, tokenOf, type FuzzToken } from './token-fuzz.js';
import { DOWNLOAD_ENDPOINTS, REQUEST_ENDPOINTS, startStack, type Stack } from './stack.js';

const TOKEN_COUNT = Math.max(10_000, Number(process.env.RELIABILITY_FUZZ_TOKENS ?? 10_000));
const ARGUMENT_COUNT = Number(process.env.RELIABILITY_FUZZ_ARGS ?? 2_000);
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);
const TOKEN_WORKERS = 16;

const figures = newFigures('fuzz');
const unexpected = (text: string): void => {
  if (figures.unexpected.length < 25) figures.unexpected.push(text);
  else if (figures.unexpected.length === 25) figures.unexpected.push('… (more)');
};

/** Real links of every kind, to mutate (and to prove the route does serve a valid one). */
async function mintValidLinks(stack: Stack, agent: http.Agent): Promise<string[]> {
  const { samples } = stack.sim;
  const answer = await postGraphQL<{
    recordings: Array<{ playback: { url: string }; download: { url: string } }>;
    call: { recordingsDownload: { url: string }; gatewayRecording: { url: string } };
    videoRecording: { download: { url: string } };
    agentOperationIndex: { download: { url: string } };
  }>(
    agent,
    stack.server.graphqlUrl,
    `query V($f: [String!]!, $c: ID!, $a: ID!, $b: ID!, $i: String!) {
      recordings(fileNames: $f) { playback { url } download { url } }
      call(callId: $c) { recordingsDownload { url } gatewayRecording { url } }
      videoRecording(conferenceId: $a, recordId: $b) { download { url } }
      agentOperationIndex(fileName: $i) { download { url } }
    }`,
    {
      f: samples.recordings.slice(0, 8),
      c: samples.singleRecordingCallId,
      a: samples.conference.conferenceId,
      b: samples.conference.recordId,
      i: samples.agentOperationIndexes[0],
    },
  );
  if (answer.errors?.length || !answer.data) throw new Error(`minting links failed: ${answer.errors?.[0]?.message}`);
  const d = answer.data;
  return [
    ...d.recordings.flatMap((r) => [r.playback.url, r.download.url]),
    d.call.recordingsDownload.url,
    d.call.gatewayRecording.url,
    d.videoRecording.download.url,
    d.agentOperationIndex.download.url,
  ];
}

function sendToken(agent: http.Agent, baseUrl: string, token: string, method: 'GET' | 'HEAD'): Promise<{ status: number; type: string; body: Buffer; disposition: boolean }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/media/${token}`, { method, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: String(response.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
          disposition: response.headers['content-disposition'] !== undefined,
        }),
      );
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end();
  });
}

async function fuzzTokens(stack: Stack, agent: http.Agent, validUrls: string[]): Promise<Record<string, boolean>> {
  const random = seededRandom(SEED);
  const tokens = generateTokens({
    validTokens: validUrls.map(tokenOf),
    keys: stack.config.mediaLinkKeys,
    publicBaseUrl: stack.config.publicBaseUrl,
    count: TOKEN_COUNT,
    seed: SEED,
  });
  const downloadsBefore = stack.requestCalls(DOWNLOAD_ENDPOINTS);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < tokens.length; i = next++) {
      const fuzz: FuzzToken = tokens[i]!;
      const method = random() < 0.1 ? 'HEAD' : 'GET';
      figures.requests.mediaTokens += 1;
      try {
        const answer = await sendToken(agent, stack.server.url, fuzz.token, method);
        let code = '';
        if (method === 'GET') {
          try {
            code = String((JSON.parse(answer.body.toString('utf8')) as { error?: { code?: unknown } }).error?.code ?? '');
          } catch {
            code = 'not JSON';
          }
        }
        count(figures, `token:${answer.status}${code ? ` ${code}` : ''}`);
        const right =
          answer.status === fuzz.expectedStatus &&
          answer.type.startsWith('application/json') &&
          !answer.disposition &&
          (method === 'HEAD' ? answer.body.length === 0 : code !== '' && code !== 'not JSON');
        if (!right) unexpected(`token (${fuzz.category}, ${method}): ${answer.status} ${answer.type} ${code}, expected ${fuzz.expectedStatus}`);
      } catch (error) {
        count(figures, 'token:request failed');
        unexpected(`token (${fuzz.category}): ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: TOKEN_WORKERS }, worker));
  const downloadCalls = stack.requestCalls(DOWNLOAD_ENDPOINTS) - downloadsBefore;
  const categories = new Map<string, number>();
  for (const t of tokens) categories.set(t.category, (categories.get(t.category) ?? 0) + 1);
  figures.notes = [
    `${tokens.length} tokens (seed ${SEED}): ${[...categories].map(([c, n]) => `${c} ${n}`).join(', ')}`,
    `download calls that reached the simulator while fuzzing tokens: ${downloadCalls}`,
  ];

  // The control: the route does serve an authentic link (so the 403s are not a route that refuses everything).
  const control = await download(agent, validUrls[1]!);
  const expected = await stack.sim.fileBytes(stack.sim.samples.recordings[0]!);
  const controlOk = control.status === 200 && control.complete && control.body.equals(expected);
  if (controlOk) figures.bytes.verified += control.body.length;
  return {
    [`at least 10,000 tokens tried`]: tokens.length >= 10_000,
    'no download reached the CC platform': downloadCalls === 0,
    'an authentic link still streams the right bytes': controlOk,
  };
}

/** The value at a dotted path is null (or absent), or one of its parents is. */
function isNullAt(data: unknown, path: string): boolean {
  if (path === '') return data === null || data === undefined;
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || value === undefined) return true;
    value = (value as Record<string, unknown>)[key];
  }
  return value === null || value === undefined;
}

function containsMintedLink(data: unknown, path: string): boolean {
  let value: unknown = data;
  for (const key of path === '' ? [] : path.split('.')) {
    if (value === null || value === undefined) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return JSON.stringify(value ?? null).includes('/media/');
}

const ANSWER_CODES = new Set(['BAD_USER_INPUT', 'CC_FILE_NOT_FOUND', 'CC_ERROR', 'CC_UNAUTHORIZED']);

async function postRaw(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

async function fuzzArguments(stack: Stack, agent: http.Agent): Promise<Record<string, boolean>> {
  const cases: FuzzCase[] = generateArgumentCases({
    random: seededRandom(SEED + 1),
    count: ARGUMENT_COUNT,
    validFileName: stack.sim.samples.recordings[3]!,
    validIndex: stack.sim.samples.agentOperationIndexes[1]!,
    maxTtlSeconds: stack.config.mediaLinkMaxTtlSeconds,
  });
  let refusedWithoutCall = 0;
  for (const fuzz of cases) {
    figures.requests.graphql += 1;
    const callsBefore = stack.requestCalls(REQUEST_ENDPOINTS);
    let result: GraphQLResult;
    try {
      if (fuzz.oversized) {
        const raw = await postRaw(stack.server.graphqlUrl, JSON.stringify({ query: fuzz.query, variables: fuzz.variables }));
        count(figures, `graphql:oversized body → HTTP ${raw.status}`);
        if (raw.status !== 413) unexpected(`${fuzz.field}: HTTP ${raw.status} for a body over the limit, expected 413`);
        if (stack.requestCalls(REQUEST_ENDPOINTS) !== callsBefore) unexpected(`${fuzz.field}: an oversized body caused an upstream call`);
        continue;
      }
      result = await postGraphQL(agent, stack.server.graphqlUrl, fuzz.query, fuzz.variables);
    } catch (error) {
      count(figures, 'graphql:request failed');
      unexpected(`${fuzz.field}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const calls = stack.requestCalls(REQUEST_ENDPOINTS) - callsBefore;
    const codes = (result.errors ?? []).map((e) => String(e.extensions?.code));
    const label = codes.length === 0 ? 'answered' : [...new Set(codes)].sort().join('+');
    count(figures, `graphql:${fuzz.verdict === 'refuse' ? 'must refuse' : 'may answer'} → ${label}`);
    const show = `${fuzz.field} ${fuzz.reason ? `(${fuzz.reason}) ` : ''}→ HTTP ${result.status} ${label}`;
    if (result.status !== 200 && result.status !== 400) {
      unexpected(`${show}: HTTP status`);
      continue;
    }
    if (codes.some((c) => !ANSWER_CODES.has(c))) {
      unexpected(`${show}: an error code outside BAD_USER_INPUT and the CC answers`);
      continue;
    }
    if (fuzz.verdict === 'refuse') {
      const problems: string[] = [];
      if (!codes.includes('BAD_USER_INPUT')) problems.push('no BAD_USER_INPUT');
      for (const path of fuzz.mustBeNull) {
        if (!isNullAt(result.data, path)) problems.push(`${path || 'data'} not null`);
        if (containsMintedLink(result.data, path)) problems.push(`a link was minted under ${path || 'data'}`);
      }
      if (!fuzz.upstreamAllowed && calls > 0) problems.push(`${calls} upstream call(s) with an unchecked value`);
      if (problems.length > 0) unexpected(`${show}: ${problems.join(', ')}`);
      else if (calls === 0) refusedWithoutCall += 1;
    }
  }
  const health = await fetch(`${stack.server.url}/healthz`);
  const afterwards = await postGraphQL<{ recording: { playback: { token: string } | null } }>(
    agent,
    stack.server.graphqlUrl,
    'query { recording(fileName: "Y:/1/0/20261120/101/1000000.V3") { playback { token } } }',
  );
  figures.notes = [
    ...(figures.notes ?? []),
    `${cases.length} GraphQL argument cases (seed ${SEED + 1}): ${cases.filter((c) => c.verdict === 'refuse').length} the contract says must be refused, ${refusedWithoutCall} of them refused with no upstream call`,
  ];
  return {
    'the server is healthy after the fuzzing': health.status === 200 && Boolean(afterwards.data?.recording.playback?.token),
  };
}

const stack = await startStack();
try {
  const started = Date.now();
  const agent = createAgent(64);
  const validUrls = await mintValidLinks(stack, agent);
  const tokenChecks = await fuzzTokens(stack, agent, validUrls);
  const argumentChecks = await fuzzArguments(stack, agent);
  agent.destroy();
  figures.seconds = (Date.now() - started) / 1000;
  reportPart({
    figures,
    checks: { 'no unexpected outcome': figures.unexpected.length === 0, ...tokenChecks, ...argumentChecks },
  });
} finally {
  await stack.close();
  exitWhenIdle();
}
