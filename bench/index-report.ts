/** Table rows and notes of the recording-index benchmarks (5. ingestion, 6. GraphQL on the index). */
import type { IndexGraphQLResult } from './index-graphql.js';
import type { IndexIngestResult } from './index-ingest.js';
import type { Row } from './report.js';

const fmt = (value: number | undefined, digits = 0): string => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const x = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)}×`);
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
const mib = (bytes: number | undefined): string => (bytes === undefined ? 'n/a' : (bytes / 2 ** 20).toFixed(0));

export function indexIngestRows(r: IndexIngestResult): Row[] {
  const name = `5. ingest a ${r.rows.toLocaleString('en-US')}-row recording index (${r.rounds} rounds)`;
  const copy = r.copy?.rowsPerSecond;
  const growth = Math.max(r.sqlite.rssGrowthMaxBytes ?? 0, r.postgres?.rssGrowthMaxBytes ?? 0);
  return [
    {
      benchmark: name,
      measure: 'rows/s into PostgreSQL, ours vs COPY FROM of the same CSV',
      ours: fmt(r.postgres?.rowsPerSecond),
      baseline: fmt(copy),
      ratio: x(r.postgresOverCopy),
      target: '≥ 0.50×',
      met: verdict(r.postgresOverCopy === undefined ? undefined : r.postgresOverCopy >= 0.5),
    },
    { benchmark: name, measure: 'rows/s into SQLite, ours vs PostgreSQL COPY', ours: fmt(r.sqlite.rowsPerSecond), baseline: fmt(copy), ratio: x(r.sqliteOverCopy), target: '', met: '' },
    {
      benchmark: name,
      measure: 'RSS growth of the ingesting process, MiB (SQLite; PostgreSQL)',
      ours: `${mib(r.sqlite.rssGrowthMaxBytes)}; ${mib(r.postgres?.rssGrowthMaxBytes)}`,
      baseline: '',
      ratio: '',
      target: '≤ 64 MB',
      met: verdict(growth <= 64 * 1e6),
    },
  ];
}

export function indexGraphQLRows(g: IndexGraphQLResult): Row[] {
  const name = `6. GraphQL on the ${g.rows.toLocaleString('en-US')}-row index (${g.connections} connections, ${g.rounds}×${g.durationSeconds} s)`;
  const rows: Row[] = [];
  const labels = {
    search: `searchRecordings, one agent, one day, first 100 (${g.answerSizes.search} nodes + totalCount)`,
    entities: `_entities of 20 Calls with their recordings (${g.answerSizes.entities})`,
  } as const;
  for (const query of ['search', 'entities'] as const) {
    const base = g.figures[query].static;
    for (const db of ['sqlite', 'postgres'] as const) {
      const ours = g.figures[query][db];
      if (!ours) continue;
      const ratio = g.ratios[query][db];
      rows.push({
        benchmark: name,
        measure: `${labels[query]}: req/s on ${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'} vs the same server answering from memory`,
        ours: fmt(ours.requestsPerSecond),
        baseline: fmt(base?.requestsPerSecond),
        ratio: x(ratio),
        target: '≥ 0.80×',
        met: verdict(ratio === undefined ? undefined : ratio >= 0.8),
      });
    }
    const cpu = (f: { serverCpuMsPerRequest: number; databaseCpuMsPerRequest?: number } | undefined) =>
      f === undefined ? 'n/a' : f.databaseCpuMsPerRequest === undefined ? fmt(f.serverCpuMsPerRequest, 2) : `${fmt(f.serverCpuMsPerRequest, 2)} + ${fmt(f.databaseCpuMsPerRequest, 2)}`;
    rows.push({
      benchmark: name,
      measure: `${labels[query]}: CPU ms per request, SQLite; PostgreSQL (server + database) vs memory (ratio: memory ÷ SQLite; PostgreSQL)`,
      ours: `${cpu(g.figures[query].sqlite)}; ${cpu(g.figures[query].postgres)}`,
      baseline: cpu(base),
      ratio: `${x(g.cpuRatios?.[query].sqlite)}; ${x(g.cpuRatios?.[query].postgres)}`,
      target: '',
      met: '',
    });
    rows.push({
      benchmark: name,
      measure: `${labels[query]}: latency p50 / p99 ms, SQLite; PostgreSQL; memory`,
      ours: `${fmt(g.figures[query].sqlite?.p50Ms, 1)} / ${fmt(g.figures[query].sqlite?.p99Ms, 1)}; ${fmt(g.figures[query].postgres?.p50Ms, 1)} / ${fmt(g.figures[query].postgres?.p99Ms, 1)}`,
      baseline: `${fmt(base?.p50Ms, 1)} / ${fmt(base?.p99Ms, 1)}`,
      ratio: '',
      target: '',
      met: '',
    });
  }
  const failures = (['search', 'entities'] as const).flatMap((q) => Object.values(g.figures[q]).map((f) => f?.failures ?? 0)).reduce((a, b) => a + b, 0);
  rows.push({ benchmark: name, measure: 'failed or wrong answers under load (all servers)', ours: String(failures), baseline: '', ratio: '', target: '0', met: verdict(failures === 0) });
  return rows;
}

export function indexNotes(ingest: IndexIngestResult | undefined, graphql: IndexGraphQLResult | undefined): string[] {
  const notes: string[] = [];
  if (ingest) {
    notes.push(
      `Ingestion (measured ${ingest.measuredAt}): one zip of ${ingest.rows.toLocaleString('en-US')} rows (CSV ${mib(ingest.csvBytes)} MiB, zip ${mib(ingest.zipBytes)} MiB, no header, ${ingest.timeZone} times) made by the benchmark; ours = ingestRecordingIndexFile (the ingester's own function: stream the zip, parse each line, convert the times, upsert batches of ${ingest.batchSize} in one transaction) in a process of its own, into a migrated database; COPY = \`psql \\copy … with (format csv)\` of the same CSV into a table of the CSV's 18 columns with the same primary key and the same five secondary indexes. Fresh databases every round. ${ingest.postgresSettings ?? ingest.postgresMissing ?? ''}. RSS: sampled every 20 ms from /proc, peak minus the RSS just before the file.`,
    );
  }
  if (graphql) {
    notes.push(
      `GraphQL on the index (measured ${graphql.measuredAt}): the same server process code for all three (bench/servers/index-graphql-server.ts, wired as src/main.ts without the ingestion loop); "memory" reads the answers to these two requests from memory (read once from the same database at start), so the ratio is what the database reads cost. The answers of all three are checked equal before the load. Servers on CPU 1, autocannon and the simulator on CPU 0, PostgreSQL's processes unpinned (they compete with the server for the two cores).`,
    );
  }
  return notes;
}

/** Where an index target is missed, the figures of the same run that say why. */
export function indexMissedTargetNotes(ingest: IndexIngestResult | undefined, graphql: IndexGraphQLResult | undefined): string[] {
  const notes: string[] = [];
  if (ingest?.postgresOverCopy !== undefined && ingest.postgresOverCopy < 0.5) {
    notes.push(
      `Ingestion into PostgreSQL: ${ingest.postgresOverCopy.toFixed(2)}× COPY. COPY appends rows it does not check; the ingestion upserts (insert … on conflict (call_id, file_name) do update, so that a file or an overlapping window ingested again never duplicates a row) from unnest() of batches that node parses from the zip, converts (CC time zone → UTC) and sends as 14 array parameters.`,
    );
  }
  const growth = Math.max(ingest?.sqlite.rssGrowthMaxBytes ?? 0, ingest?.postgres?.rssGrowthMaxBytes ?? 0);
  if (ingest && growth > 64 * 1e6) {
    notes.push(
      `Ingestion memory: the ingesting process grew by ${mib(growth)} MiB at most (it starts at about 115 MiB). The growth does not follow the file's size (about as much at 100,000 rows while this benchmark was prepared): the rows are parsed and written batch by batch, and on 100,000 rows the V8 heap grew by only about 14 MiB at the RSS peak: native memory holds the rest (SQLite's page cache of the writing connection, 16 MiB by default; glibc's arenas of the inflating threads; the code compiled for the first file).`,
    );
  }
  if (graphql) {
    const missed = (['search', 'entities'] as const).flatMap((query) =>
      (['sqlite', 'postgres'] as const).flatMap((db) => {
        const ratio = graphql.ratios[query][db];
        return ratio !== undefined && ratio < 0.8 ? [`${query} on ${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ${ratio.toFixed(2)}×`] : [];
      }),
    );
    if (missed.length > 0) {
      const cpu = (query: 'search' | 'entities') => {
        const f = graphql.figures[query];
        const st = f.static?.serverCpuMsPerRequest;
        const sq = f.sqlite?.serverCpuMsPerRequest;
        const pgServer = f.postgres?.serverCpuMsPerRequest;
        const pgDb = f.postgres?.databaseCpuMsPerRequest;
        return `${query}: ${fmt(st, 2)} ms of CPU per request from memory, ${fmt(sq, 2)} reading SQLite, ${fmt(pgServer, 2)} + ${fmt(pgDb, 2)} (PostgreSQL's own processes) reading PostgreSQL`;
      };
      notes.push(
        `GraphQL on the index (${missed.join(', ')} the same server answering from memory). CPU per request, ${cpu('search')}; ${cpu('entities')}. Most of the difference is spent in the subgraph process, not in the database server: building and compiling each query with Kysely, SQLite running it in-process (prepared statements are reused: src/db/sqlite-statement-cache.ts) (the page reads 101 rows through recording_by_agent_keyset and looks each up in the table; the count reads the index only), and turning rows into objects, with their promises and garbage. The CPU figures are the steadier ones on this shared machine; the rates vary with whatever else runs.`,
      );
    }
  }
  return notes;
}
