/**
 * Resident memory of another process from /proc/<pid>/status, sampled on a timer, so the process
 * under test is measured from outside (no instrumentation inside it).
 */
import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  /** Resident set size now, bytes. */
  rss: number;
  /** The process's own high-water mark of RSS, bytes. */
  hwm: number;
}

export function readProcessMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

export interface RssSampler {
  /** Stops sampling and returns the peak VmRSS seen (bytes) and the number of samples. */
  stop(): { peakRss: number; samples: number };
}

export function sampleRss(pid: number, intervalMs = 25): RssSampler {
  let peakRss = readProcessMemory(pid).rss;
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, readProcessMemory(pid).rss);
      samples += 1;
    } catch {
      // The process ended; keep what was seen.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peakRss, samples };
    },
  };
}
