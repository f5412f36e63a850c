/**
 * Random and hostile GraphQL arguments, each with the contract's verdict on it (README, Errors):
 * an empty name, a fileName over 225 characters, a callId over 25, an index name that is not
 * `yyyyMMdd_{responseId}.zip`, expiresInSeconds outside 1..MEDIA_LINK_MAX_TTL_SECONDS, `first`
 * outside 1..1000, a control character or a `..` path segment in any name or id must be refused
 * before any upstream call. Everything else may be answered (or refused: stricter is allowed).
 */

/** `refuse`: the contract says BAD_USER_INPUT before any upstream call; `either`: an answer or a refusal. */
export type Verdict = 'refuse' | 'either';

export interface FuzzCase {
  field: string;
  query: string;
  variables: Record<string, unknown>;
  verdict: Verdict;
  /** Why it must be refused (for the report). */
  reason?: string;
  /** Fields (dotted paths from the root) that must come back null when refused; '' = the whole request. */
  mustBeNull: string[];
  /** Whether the request may cause an upstream call (only a part of it that was valid may). */
  upstreamAllowed: boolean;
  /** A body over the server's JSON limit: refused at the HTTP layer (413) rather than by GraphQL. */
  oversized?: boolean;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The contract's rules common to every name and id. */
export function nameProblem(value: string, max?: number): string | undefined {
  if (value.length === 0) return 'empty';
  if (max !== undefined && value.length > max) return `over ${max} characters`;
  if (CONTROL.test(value)) return 'control character';
  if (value.split(/[/\\]/).includes('..')) return "'..' segment";
  return undefined;
}

export function generateArgumentCases(options: { random: () => number; count: number; validFileName: string; validIndex: string; maxTtlSeconds: number }): FuzzCase[] {
  const { random } = options;
  const int = (max: number): number => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;

  const hostileStrings = (): string =>
    pick([
      () => '',
      () => 'x'.repeat(226 + int(3000)),
      () => 'Y:/1/0/'.padEnd(10_000 + int(100_000), 'A'),
      () => `Y:/1/0/20261120/101/${String.fromCharCode(int(32))}1000000.V3`,
      () => `Y:/1/0/20261120/101/1000000.V3${String.fromCharCode(0x7f + int(33))}`,
      () => '\u0000',
      () => 'Y:/1/0/../../../../etc/passwd',
      () => '..\\..\\..\\windows\\win.ini',
      () => '../',
      () => 'Y:\\1\\0\\..\\secret.V3',
      () => `${options.validFileName}/..`,
      () => '\r\nHost: evil.example\r\n',
      () => 'a\tb',
      () => '\u0085next-line',
    ])();
  const plausibleStrings = (): string =>
    pick([
      () => options.validFileName,
      () => options.validFileName.replace(/\//g, '\\'),
      () => `Y:/1/0/20261120/${100 + int(900)}/${int(10_000_000)}.V3`,
      () => '../not-a-segment../..x/x..',
      () => '%2e%2e%2f',
      () => 'Y:/1/0/20261120/101/名前.V3',
      () => '\u{1F4A9}'.repeat(1 + int(50)),
      () => "'; DROP TABLE recordings; --",
      () => '<script>alert(1)</script>',
      () => ' '.repeat(1 + int(20)),
      () => 'x'.repeat(1 + int(225)),
      () => String(int(1e9)),
    ])();
  const anyString = (): string => (random() < 0.5 ? hostileStrings() : plausibleStrings());
  const ints = (): number | null =>
    pick([null, 0, -1, 1, 60, options.maxTtlSeconds, options.maxTtlSeconds + 1, -2147483648, 2147483647, int(5000) - 1000]);

  const cases: FuzzCase[] = [];
  const ttlProblem = (n: number | null): string | undefined =>
    n === null ? undefined : n < 1 || n > options.maxTtlSeconds ? `expiresInSeconds ${n}` : undefined;
  const named = (label: string, problem: string | undefined): string | undefined => (problem === undefined ? undefined : `${label} ${problem}`);
  /** A case from its per-field problems: the outermost refused field must be null, and no upstream call may come from it. */
  const verdictOf = (
    field: string,
    query: string,
    variables: Record<string, unknown>,
    rules: Array<{ path: string; problem: string | undefined; upstreamBehindIt: boolean }>,
    upstreamIfValid: boolean,
  ): FuzzCase => {
    const refused = rules.filter((r) => r.problem !== undefined);
    if (refused.length === 0) return { field, query, variables, verdict: 'either', mustBeNull: [], upstreamAllowed: upstreamIfValid };
    // Upstream calls stay allowed only when what is refused guards none of them.
    const upstreamAllowed = upstreamIfValid && !refused.some((r) => r.upstreamBehindIt);
    return { field, query, variables, verdict: 'refuse', reason: refused.map((r) => r.problem).join(', '), mustBeNull: refused.map((r) => r.path), upstreamAllowed };
  };

  const makers: Array<() => FuzzCase> = [
    () => {
      const f = anyString();
      const n = ints();
      return verdictOf(
        'recording',
        'query F($f: String!, $n: Int) { recording(fileName: $f) { fileName playback { token url } download(expiresInSeconds: $n) { url } } }',
        { f, n },
        [
          { path: 'recording', problem: named('fileName', nameProblem(f, 225)), upstreamBehindIt: true },
          // download checks the file through requestPlayVoice too, but playback may still make that call.
          { path: 'recording.download', problem: ttlProblem(n), upstreamBehindIt: false },
        ],
        true,
      );
    },
    () => {
      const names = Array.from({ length: 1 + int(4) }, hostileStrings);
      return verdictOf(
        'recordings',
        'query F($f: [String!]!) { recordings(fileNames: $f) { fileName playback { token } } }',
        { f: names },
        names.map((n) => ({ path: 'recordings', problem: named('fileNames[]', nameProblem(n, 225)), upstreamBehindIt: true })),
        true,
      );
    },
    () => {
      const c = random() < 0.3 ? String(int(1e9)) : anyString();
      const cc = random() < 0.5 ? null : anyString();
      const n = ints();
      return verdictOf(
        'call.recordingsDownload',
        'query F($c: ID!, $cc: ID, $n: Int) { call(callId: $c) { recordingsDownload(ccId: $cc, expiresInSeconds: $n) { url } } }',
        { c, cc, n },
        [
          { path: 'call', problem: named('callId', nameProblem(c, 25)), upstreamBehindIt: false },
          { path: 'call.recordingsDownload', problem: cc === null ? ttlProblem(n) : (named('ccId', nameProblem(cc)) ?? ttlProblem(n)), upstreamBehindIt: false },
        ],
        false,
      );
    },
    () => {
      const c = random() < 0.3 ? String(int(1e9)) : anyString();
      const w = random() < 0.5 ? null : anyString();
      return verdictOf(
        'call.gatewayRecording',
        'query F($c: ID!, $w: ID) { call(callId: $c) { gatewayRecording(workNo: $w) { url } } }',
        { c, w },
        [
          { path: 'call', problem: named('callId', nameProblem(c, 25)), upstreamBehindIt: false },
          { path: 'call.gatewayRecording', problem: w === null ? undefined : named('workNo', nameProblem(w)), upstreamBehindIt: false },
        ],
        false,
      );
    },
    () => {
      const c = random() < 0.3 ? String(int(1e9)) : anyString();
      const h = anyString();
      return verdictOf(
        'call.gatewayVideo',
        'query F($c: ID!, $h: String!) { call(callId: $c) { gatewayVideo(hwFileName: $h) { url } } }',
        { c, h },
        [
          { path: 'call', problem: named('callId', nameProblem(c, 25)), upstreamBehindIt: false },
          { path: 'call.gatewayVideo', problem: named('hwFileName', nameProblem(h)), upstreamBehindIt: false },
        ],
        false,
      );
    },
    () => {
      const a = anyString();
      const b = anyString();
      const n = ints();
      return verdictOf(
        'videoRecording',
        'query F($a: ID!, $b: ID!, $n: Int) { videoRecording(conferenceId: $a, recordId: $b) { download(quality: SD, expiresInSeconds: $n) { url } } }',
        { a, b, n },
        [
          { path: 'videoRecording', problem: named('conferenceId', nameProblem(a)) ?? named('recordId', nameProblem(b)), upstreamBehindIt: false },
          { path: 'videoRecording.download', problem: ttlProblem(n), upstreamBehindIt: false },
        ],
        false,
      );
    },
    () => {
      const f = random() < 0.3 ? options.validIndex : anyString();
      const m = pick([null, 0, -5, 1, 20, 1000, 1001, 2147483647, -2147483648]);
      const agentId = random() < 0.6 ? null : anyString();
      const indexOk = nameProblem(f, 225) === undefined && /^\d{8}_[0-9A-Za-z]{1,40}\.zip$/.test(f);
      return verdictOf(
        'agentOperationIndex',
        'query F($f: String!, $m: Int, $a: ID) { agentOperationIndex(fileName: $f) { date operations(agentId: $a, first: $m) { totalCount } } }',
        { f, m, a: agentId },
        [
          { path: 'agentOperationIndex', problem: indexOk ? undefined : 'index name not yyyyMMdd_{responseId}.zip', upstreamBehindIt: true },
          {
            path: 'agentOperationIndex.operations',
            problem: m !== null && (m < 1 || m > 1000) ? `first ${m}` : agentId === null ? undefined : named('agentId', nameProblem(agentId)),
            upstreamBehindIt: true,
          },
        ],
        true,
      );
    },
    () => ({
      // Not a 32-bit Int at all: GraphQL's own variable coercion refuses the request (HTTP 400).
      field: 'recording (non-Int)',
      query: 'query F($f: String!, $n: Int) { recording(fileName: $f) { download(expiresInSeconds: $n) { url } } }',
      variables: { f: options.validFileName, n: pick([2 ** 31, -(2 ** 31) - 1, 1e300, 1.5, '60', true]) },
      verdict: 'refuse',
      reason: 'expiresInSeconds not a 32-bit Int',
      mustBeNull: [''],
      upstreamAllowed: false,
    }),
  ];

  while (cases.length < options.count) cases.push(makers[int(makers.length)]!());
  // A few bodies past the JSON body limit (1 MiB by default).
  for (let i = 0; i < 3; i += 1) {
    cases.push({
      field: 'recording (oversized body)',
      query: 'query F($f: String!) { recording(fileName: $f) { playback { token } } }',
      variables: { f: 'A'.repeat(2 * 2 ** 20) },
      verdict: 'refuse',
      reason: 'body over the limit',
      oversized: true,
      mustBeNull: [''],
      upstreamAllowed: false,
    });
  }
  return cases;
}
