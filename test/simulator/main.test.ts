import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

describe('npm run simulator (src/simulator/main.ts)', () => {
  it('prints its URL, credentials and sample ids, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts'], {
      cwd: new URL('../../', import.meta.url),
      env: { ...process.env, SIMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      for (let i = 0; i < 300 && !output.includes('agent operation indexes'); i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(output).toMatch(/CC simulator listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain('CCFS_AK=sim-ak');
      expect(output).toContain('call with three recordings (zip): ');
      const url = /listening on (\S+)/.exec(output)?.[1] ?? '';
      const state = (await (await fetch(`${url}/__simulator/state`)).json()) as { samples: { recordings: string[] } };
      expect(state.samples.recordings).toHaveLength(250);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
