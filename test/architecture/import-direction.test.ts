/**
 * Imports point one way through the house (README, "How it is built"):
 *   graphql → data → db / cc / redis;  ingest → db / cc;  media → cc;  agent-pool → cc / db / redis;
 *   operator concerns (auth, http, observability, config) beside them;
 *   nothing imports graphql but the server wiring; only main.ts and banner.ts import the simulator,
 *   and the simulator imports nothing of the subgraph (it is what the subgraph is tested against).
 * Read from the source text, so the check costs no build and covers type-only imports too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** The room of a file: its first folder under src/, or the file's own name for top-level files. */
function roomOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length === 1) return rel[0]!.replace(/\.[jt]s$/, '');
  return rel[0] === 'cc' && rel[1] === 'files' ? 'cc/files' : rel[0]!;
}

/** Which rooms each room may import (besides itself). Wiring (main, server, banner) may import anything. */
const ALLOWED: Record<string, readonly string[]> = {
  'cc/files': [],
  cc: ['cc/files', 'config', 'observability'],
  db: ['config', 'observability'],
  data: ['cc', 'cc/files', 'db', 'redis', 'config', 'observability'],
  ingest: ['cc', 'cc/files', 'db', 'config', 'observability'],
  media: ['cc', 'config', 'observability'],
  'agent-pool': ['cc', 'db', 'redis', 'config', 'observability'],
  redis: [],
  auth: ['config', 'observability'],
  http: ['config', 'observability'],
  observability: [],
  config: [],
  generated: ['graphql', 'media'],
  graphql: ['data', 'cc', 'cc/files', 'media', 'auth', 'generated', 'config', 'observability'],
  simulator: [],
};
const WIRING = new Set(['main', 'server', 'banner']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((spec) => path.resolve(path.dirname(file), spec));
}

interface Edge {
  from: string;
  to: string;
  fromRoom: string;
  toRoom: string;
}

function edges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    relativeImports(file).map((target) => ({
      from: path.relative(SRC, file),
      to: path.relative(SRC, target),
      fromRoom: roomOf(file),
      toRoom: roomOf(target),
    })),
  );
}

describe('import direction', () => {
  const all = edges();

  it('reads a real import graph', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((edge) => edge.fromRoom === 'graphql' && edge.toRoom === 'data')).toBe(true);
  });

  it('every room imports only the rooms beneath it', () => {
    const wrong = all
      .filter((edge) => edge.fromRoom !== edge.toRoom && !WIRING.has(edge.fromRoom))
      .filter((edge) => !(ALLOWED[edge.fromRoom] ?? []).includes(edge.toRoom))
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(wrong).toEqual([]);
  });

  it('only the wiring imports the simulator and GraphQL', () => {
    const wrong = all
      .filter((edge) => (edge.toRoom === 'simulator' || edge.toRoom === 'graphql') && edge.fromRoom !== edge.toRoom)
      .filter((edge) => !WIRING.has(edge.fromRoom) && edge.fromRoom !== 'generated')
      .map((edge) => `${edge.from} → ${edge.to}`);
    expect(wrong).toEqual([]);
  });

  it('knows every room', () => {
    const unknown = [...new Set(all.map((edge) => edge.fromRoom))].filter((room) => !WIRING.has(room) && !(room in ALLOWED));
    expect(unknown).toEqual([]);
  });
});
