import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadConfig } from '../../src/config.js';

describe('npm run simulator (src/simulator/main.ts)', () => {
  it('prints its URL, credentials, an npm start line and sample ids, serves, and stops on SIGTERM', async () => {
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
      // The printed command line is a complete configuration, link keys included.
      const command = /^ {2}(CCFS_BASE_URL=.*) npm start$/m.exec(output)?.[1];
      expect(command).toBeDefined();
      const env = Object.fromEntries(command!.split(' ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
      const config = loadConfig(env);
      expect(config.simulator).toBe(false);
      expect(config.gateway?.agentId).toBe('4977');
      expect(config.mediaLinkKeys).toHaveLength(1);
      expect(config.mediaLinkKeys[0]?.key).toHaveLength(32);
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
