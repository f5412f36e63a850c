/**
 * CPU accounting and placement of other processes, from /proc and taskset (Linux):
 * - CPU seconds used by a process and its descendants (nginx's workers), to report the cost per
 *   GiB streamed next to the rate;
 * - pinning, so that on a small machine the server under test and the load generator each get a
 *   core of their own instead of trading places on both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface ProcStat {
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
    return { ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const all: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    all.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return all;
}

/** User + system CPU seconds of `pid` and every live descendant. */
export function cpuSecondsOfTree(pid: number): number {
  return descendants(pid).reduce((sum, p) => sum + (readStat(p)?.cpuTicks ?? 0), 0) / TICKS_PER_SECOND;
}

// os.cpus(), not availableParallelism(): the latter shrinks to the affinity mask of this process once it is pinned.
const CPU_COUNT = os.cpus().length;
const canPin = CPU_COUNT >= 2 && spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).stdout.trim() !== '';

/** Best effort: pins every thread of `pid` (and of its descendants) to `cpu`. Returns whether it did. */
export function pinToCpu(pid: number, cpu: number): boolean {
  if (!canPin) return false;
  return descendants(pid)
    .map((p) => spawnSync('taskset', ['-a', '-pc', String(cpu), String(p)], { stdio: 'ignore' }).status === 0)
    .every(Boolean);
}

/** Undoes pinToCpu: every CPU again. */
export function unpin(pid: number): void {
  if (!canPin) return;
  const all = `0-${CPU_COUNT - 1}`;
  for (const p of descendants(pid)) spawnSync('taskset', ['-a', '-pc', all, String(p)], { stdio: 'ignore' });
}
