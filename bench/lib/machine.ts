/** What the figures were measured on, for the README table. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  node: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
}

export function describeMachine(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return {
    node: process.version,
    cpuModel,
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
  };
}
