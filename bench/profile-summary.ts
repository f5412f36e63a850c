/**
 * Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof`): self time by function and by
 * file/package, and inclusive time of our own source files, to find where a missed target goes.
 *
 *   node --import tsx bench/profile-summary.ts bench/tmp/profiles/CPU.….cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
// Percentages are of busy time: '(idle)' is when the process waited for work (e.g. while the
// baseline was under load), which says nothing about where our time goes.
const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
for (const id of idleIds) selfMicros.delete(id);
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (url === '') return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

const addTo = (map: Map<string, number>, key: string, value: number): void => {
  map.set(key, (map.get(key) ?? 0) + value);
};
const selfByFunction = new Map<string, number>();
const selfByPlace = new Map<string, number>();
const inclusiveByOurFile = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  addTo(selfByFunction, `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`, micros);
  addTo(selfByPlace, where(url), micros);
  // Inclusive: charge every distinct src/ file on the stack once.
  const seen = new Set<string>();
  const seenFunctions = new Set<string>();
  for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
    const frame = byId.get(cursor)!.callFrame;
    const place = where(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${place}:${frame.lineNumber + 1}`;
    if (!seenFunctions.has(fn)) {
      seenFunctions.add(fn);
      addTo(inclusiveByFunction, fn, micros);
    }
    if (place.startsWith('src/') && !seen.has(place)) {
      seen.add(place);
      addTo(inclusiveByOurFile, place, micros);
    }
  }
}

const print = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((micros / total) * 100).toFixed(1).padStart(6)}%  ${key}\n`);
  }
};
process.stdout.write(`busy time sampled: ${(total / 1e6).toFixed(2)} s (percentages below are of it)`);
print('self time by function', selfByFunction);
print('self time by package / file', selfByPlace);
print('inclusive time of our files (src/)', inclusiveByOurFile);
print('inclusive time by function', inclusiveByFunction);
