/** Prints the figures of every part of the suite, then removes the run's directory. */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Figures } from './figures.js';

export default function globalTeardown(): void {
  const dir = process.env.RELIABILITY_FIGURES_DIR;
  if (!dir || !existsSync(dir)) return;
  const parts = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Figures);
  const lines: string[] = ['', '=== reliability figures ==='];
  let graphql = 0;
  let downloads = 0;
  let tokens = 0;
  let verified = 0;
  let lost = 0;
  for (const part of parts) {
    graphql += part.requests.graphql;
    downloads += part.requests.downloads;
    tokens += part.requests.mediaTokens;
    verified += part.bytes.verified;
    lost += part.bytes.lostOrCorrupted;
    lines.push(
      '',
      `## ${part.part} (${part.seconds.toFixed(1)} s): ${part.requests.graphql} GraphQL requests, ${part.requests.downloads} downloads, ${part.requests.mediaTokens} fuzzed link tokens; ${(part.bytes.verified / 2 ** 20).toFixed(1)} MiB verified byte for byte, ${part.bytes.lostOrCorrupted} lost or corrupted`,
    );
    if (part.faults) {
      lines.push('| fault | GraphQL client sees | downloader sees | recovered |', '|---|---|---|---|');
      for (const row of part.faults) lines.push(`| ${row.fault} | ${row.graphql} | ${row.download} | ${row.recovered ? 'yes' : '**no**'} |`);
    }
    const outcomes = Object.entries(part.outcomes).sort((a, b) => b[1] - a[1]);
    if (outcomes.length > 0) lines.push(`outcomes by kind: ${outcomes.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
    if (part.memory) {
      const m = part.memory;
      lines.push(`memory: heap ${m.heapBeforeMiB} → ${m.heapAfterMiB} MiB, RSS ${m.rssBeforeMiB} → ${m.rssAfterMiB} MiB`);
    }
    if (part.handles) lines.push(`handles before: ${JSON.stringify(part.handles.before)}; after: ${JSON.stringify(part.handles.after)}`);
    for (const note of part.notes ?? []) lines.push(`note: ${note}`);
    lines.push(`unexpected: ${part.unexpected.length === 0 ? 'none' : part.unexpected.join('; ')}`);
  }
  const started = Number(process.env.RELIABILITY_STARTED_AT ?? Date.now());
  lines.push(
    '',
    `total: ${graphql} GraphQL requests, ${downloads} downloads, ${tokens} fuzzed tokens, ${(verified / 2 ** 20).toFixed(1)} MiB verified, ${lost} lost or corrupted; suite ran ${((Date.now() - started) / 1000).toFixed(0)} s`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  rmSync(dir, { recursive: true, force: true });
}
