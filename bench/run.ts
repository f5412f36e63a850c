/**
 * `npm run bench` — the side-by-side benchmarks of issue 5 (batching, graphql, streaming) and of
 * issue 10 (index: ingesting a recording index, GraphQL on it), each against a baseline run in the
 * same invocation. Writes bench/results.json and bench/README-table.md and prints the table.
 *
 *   npm run bench                      full run (about half an hour with the index benchmarks)
 *   npm run bench -- --quick           one short round of each (index: 100,000 rows)
 *   npm run bench -- --only=streaming  any of batching, graphql, streaming, index, index-ingest, index-graphql;
 *                                      the sections not run keep their figures from results.json
 *   npm run bench -- --index-rows=N    rows of the recording index (default 1,000,000)
 *   npm run bench -- --cpu-prof        also write V8 CPU profiles of our process to bench/tmp/profiles
 *   npm run bench -- --report          only rewrite bench/README-table.md from bench/results.json
 *   npm run bench -- --ours-entry=/copy/of/src/main.ts   measure another tree as "ours" (before/after)
 *   npm run bench -- --compiled        build dist/ first and measure it, as `npm start` runs it
 *   npm run bench -- --glibc-defaults  run every Node process without the image's MALLOC_TOP_PAD_
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runBatching } from './batching.js';
import { runGraphQLThroughput } from './graphql-throughput.js';
import { runIndexGraphQL } from './index-graphql.js';
import { runIndexIngest } from './index-ingest.js';
import { runMixedLoad } from './mixed-load.js';
import { setOursEntry } from './lib/subgraph.js';
import { describeMachine } from './lib/machine.js';
import { BENCH_SECTIONS, machineLine, markdownTable, readmeSection, type BenchResults } from './report.js';
import { runStreaming } from './streaming.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    'index-rows': { type: 'string' },
    report: { type: 'boolean', default: false },
    'ours-entry': { type: 'string' },
    compiled: { type: 'boolean', default: false },
    'glibc-defaults': { type: 'boolean', default: false },
  },
});
// Every Node process of the run (ours, the simulator, the Node baselines) inherits this process's
// environment: they run with the glibc heap pad that the Docker image sets (Dockerfile, README
// "Benchmarks"), unless --glibc-defaults asks for glibc's own defaults (the before figure).
const MALLOC_TOP_PAD = '33554432';
if (values['glibc-defaults']) delete process.env.MALLOC_TOP_PAD_;
else process.env.MALLOC_TOP_PAD_ ??= MALLOC_TOP_PAD;
const mallocTopPad = process.env.MALLOC_TOP_PAD_;
if (values['ours-entry'] !== undefined) setOursEntry(values['ours-entry']);
else if (values.compiled) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  setOursEntry('dist/main.js');
}
const oursRuns = values['ours-entry'] ?? (values.compiled ? 'dist/main.js (npm start)' : 'src/main.ts under tsx (npm run dev)');

if (values.report) {
  const saved = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as BenchResults;
  writeFileSync(new URL('./README-table.md', import.meta.url), readmeSection(saved));
  process.stdout.write('Wrote bench/README-table.md from bench/results.json.\n');
  process.exit(0);
}

const quick = values.quick ?? false;
const only = new Set((values.only ?? 'batching,graphql,streaming,mixed,index').split(',').map((s) => s.trim()));
const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const profileDir = new URL('./tmp/profiles/', import.meta.url).pathname;
const oursExecArgv = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : undefined;
if (oursExecArgv) mkdirSync(profileDir, { recursive: true });

const started = performance.now();
const results: BenchResults = {
  startedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  durationSeconds: 0,
  machine: describeMachine(),
  ours: oursRuns,
  mallocTopPad: mallocTopPad ?? 'glibc default',
};
log(`cc-media-subgraph benchmarks (${results.mode}) — ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}`);

if (only.has('batching')) {
  log('\n1. batching: recordings(fileNames:) N=200, L=50 ms');
  results.batching = await runBatching({ rounds: quick ? 1 : 3, log, ...(oursExecArgv ? { oursExecArgv } : {}) });
}
if (only.has('graphql')) {
  log('\n2. GraphQL throughput: _entities × 20 recordings, ours vs bare @apollo/server + @apollo/subgraph');
  results.graphql = await runGraphQLThroughput({
    rounds: quick ? 1 : 3,
    durationSeconds: quick ? 5 : 10,
    warmupSeconds: quick ? 2 : 5,
    log,
    ...(oursExecArgv ? { oursExecArgv } : {}),
  });
}
if (only.has('streaming')) {
  log('\n3. streaming: 1 GiB direct / nginx / node-pipe / ours, then 16 at once, then to a client on a 1 Gbit/s link');
  results.streaming = await runStreaming({
    rounds: quick ? 1 : 3,
    concurrentBytesEach: quick ? 128 * 2 ** 20 : 2 ** 30,
    concurrentRounds: 1,
    log,
    ...(oursExecArgv ? { oursExecArgv } : {}),
  });
}

// index = both; index-ingest = 5 alone; index-graphql = 6 alone, on indexes ingested once without measuring.
const ingestBench = only.has('index') || only.has('index-ingest');
const graphqlBench = only.has('index') || only.has('index-graphql');
if (ingestBench || graphqlBench) {
  const rows = Number(values['index-rows'] ?? (quick ? 100_000 : 1_000_000));
  log(
    ingestBench
      ? `\n5. recording-index ingestion: ${rows} rows, ours (SQLite, PostgreSQL) vs PostgreSQL COPY of the same CSV`
      : `\nIngesting a ${rows}-row recording index into SQLite and PostgreSQL for benchmark 6 (not measured)`,
  );
  const ingested = await runIndexIngest({ rows, rounds: ingestBench && !quick ? 3 : 1, log, compare: ingestBench });
  if (ingestBench) results.indexIngest = ingested.result;
  try {
    if (graphqlBench) {
      log('\n6. GraphQL on the index: searchRecordings and _entities of 20 Calls, vs the same server answering from memory');
      results.indexGraphQL = await runIndexGraphQL(ingested.indexes, {
        rounds: quick ? 1 : 3,
        durationSeconds: quick ? 5 : 10,
        warmupSeconds: quick ? 2 : 5,
        log,
      });
    }
  } finally {
    await ingested.indexes.postgres?.cluster.stop();
    rmSync(ingested.indexes.sqliteDir, { recursive: true, force: true });
  }
}

if (only.has('mixed')) {
  log('\n4. mixed load: 100 GraphQL connections and 10 downloaders of a 3 MB recording, each half alone and both at once');
  results.mixed = await runMixedLoad({ phaseSeconds: quick ? 8 : 20, log, ...(oursExecArgv ? { oursExecArgv } : {}) });
}

results.durationSeconds = (performance.now() - started) / 1000;
const benchDir = new URL('./', import.meta.url);
// A partial run (--only) keeps the other sections of the last results.
if (values.only !== undefined && existsSync(new URL('results.json', benchDir))) {
  const previous = JSON.parse(readFileSync(new URL('results.json', benchDir), 'utf8')) as BenchResults;
  for (const key of BENCH_SECTIONS) {
    if (results[key] !== undefined || previous[key] === undefined) continue;
    Object.assign(results, { [key]: previous[key] });
    // A section the previous run had itself kept still names its own, older run.
    const origin = previous.kept?.[key] ?? { startedAt: previous.startedAt, mode: previous.mode, machine: previous.machine };
    results.kept = { ...results.kept, [key]: origin };
  }
}
// The before figures of the last piece of work stay beside whatever is measured after it.
if (existsSync(new URL('results.json', benchDir))) {
  const previous = JSON.parse(readFileSync(new URL('results.json', benchDir), 'utf8')) as BenchResults;
  if (previous.before !== undefined) results.before = previous.before;
}
writeFileSync(new URL('results.json', benchDir), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(new URL('README-table.md', benchDir), readmeSection(results));
log(`\n${markdownTable(results)}\n\n${machineLine(results)}`);
log('Wrote bench/results.json and bench/README-table.md.');
