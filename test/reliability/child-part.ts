/**
 * Runs one part of the suite (a script under test/reliability) in a node process of its own and
 * returns its figures. The heavy parts run there rather than inside jest: jest's ESM module sandbox
 * made the same load about seven times slower, and a process of its own also makes the handle and
 * memory figures that part's own.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figures.js';

export interface PartResult {
  figures: Figures;
  /** Named pass/fail checks the part made (e.g. `server connections closed`). */
  checks: Record<string, boolean>;
}

export const PART_RESULT_PREFIX = 'RELIABILITY_PART_RESULT ';

/** Prints the result for the parent (one line, recognisable among anything else on stdout). */
export function reportPart(result: PartResult): void {
  process.stdout.write(`\n${PART_RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Exit code of a part whose process stayed alive after it closed everything: something leaked. */
const STILL_BUSY_EXIT_CODE = 3;

/**
 * After a part closed its servers, the process must end by itself; if something still holds the
 * event loop five seconds later, it names what and exits with STILL_BUSY_EXIT_CODE.
 */
export function exitWhenIdle(): void {
  setTimeout(() => {
    process.stderr.write(`still active after close: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
    process.exit(STILL_BUSY_EXIT_CODE);
  }, 5_000).unref();
}

export function runPart(script: URL, env: NodeJS.ProcessEnv = {}): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', fileURLToPath(script)], {
      env: { ...process.env, ...env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(PART_RESULT_PREFIX));
      if (!line) {
        reject(new Error(`${script.pathname} exited (${code}) without a result:\n${stderr}`));
        return;
      }
      const result = JSON.parse(line.slice(PART_RESULT_PREFIX.length)) as PartResult;
      result.checks['the process ended by itself once everything was closed'] = code === 0;
      resolve(result);
    });
  });
}
