/**
 * Runs a TypeScript entry (e.g. src/main.ts, as `npm run dev` runs it) as its own node
 * process under tsx, and waits until it answers HTTP. One process, no tsx wrapper, so its pid is the
 * process whose memory is measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export interface NodeProcess {
  pid: number;
  process: ChildProcess;
  /** stdout lines parsed as JSON (`{ text }` for others); empty unless `captureStdout`. */
  lines: Array<Record<string, unknown>>;
  /** The exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Sends SIGTERM (the entry's graceful stop, which also writes a --cpu-prof profile) and waits. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** The child's whole environment (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  /** A URL that answers 200 once the process is ready. */
  readyUrl: string;
  execArgv?: string[];
  cwd?: string;
  timeoutMs?: number;
  /** Keep stdout's lines (JSON logs); otherwise stdout is discarded, like a log shipper would take it, without back-pressure. */
  captureStdout?: boolean;
}

export async function spawnNodeEntry(entry: string, options: SpawnOptions): Promise<NodeProcess> {
  // A compiled entry (dist/*.js) runs on plain node; a .ts entry under tsx.
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, ...(options.execArgv ?? []), entry], {
    env: options.env,
    cwd: options.cwd ?? process.cwd(),
    stdio: ['ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Array<Record<string, unknown>> = [];
  if (options.captureStdout) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    });
  }
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited (${child.exitCode}):\n${stderr}`);
    try {
      const response = await fetch(options.readyUrl);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not answer ${options.readyUrl} in time:\n${stderr}`);
    }
    await sleep(100);
  }
  return {
    pid: child.pid!,
    process: child,
    lines,
    exited,
    stop: () => stopChild(child, 10_000),
  };
}

/** SIGTERM (the child's graceful stop), SIGKILL if it has not exited after `killAfterMs`; waits for the exit. */
export async function stopChild(child: ChildProcess, killAfterMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
