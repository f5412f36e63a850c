/**
 * nginx as the "hand-written proxy" baseline: started by the benchmark itself with its own config
 * in a temporary prefix, on 127.0.0.1, in the foreground (`daemon off`), proxying to the simulator.
 *
 * Settings (a typical reverse-proxy configuration; stated in the README):
 *   worker_processes auto (Debian's default); keepalive upstream (HTTP/1.1, 32 idle connections);
 *   proxy_buffering on with nginx's default buffers (proxy_buffer_size 8k, proxy_buffers 8 8k on
 *   x86-64); proxy_max_temp_file_size 0 so a large body is never spooled to disk (what a media proxy
 *   sets); sendfile on; access_log to a file in the prefix.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NGINX_SETTINGS =
  'nginx worker_processes auto, proxy_http_version 1.1 with upstream keepalive 32, proxy_buffering on ' +
  '(default proxy_buffers 8 × 8k, proxy_buffer_size 8k), proxy_max_temp_file_size 0, sendfile on, access_log on';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

function findNginx(): string | undefined {
  const fromPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  return [fromPath, ...CANDIDATES].find((candidate) => candidate !== '' && existsSync(candidate));
}

/** Finds nginx; if it is missing, says so and (as root) tries to install Debian's nginx-light. */
export function ensureNginx(log: (line: string) => void): string | undefined {
  const found = findNginx();
  if (found) return found;
  log('nginx is not installed: the nginx baseline needs it (Debian/Ubuntu: apt-get install -y nginx-light).');
  if (process.getuid?.() !== 0) {
    log('Not running as root, so not installing it; the nginx columns will read n/a.');
    return undefined;
  }
  log('Running as root: installing nginx-light with apt-get …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  for (const pkg of ['nginx-light', 'nginx']) {
    if (spawnSync('apt-get', ['install', '-y', pkg], { stdio: 'inherit', env }).status === 0) break;
  }
  const installed = findNginx();
  if (!installed) log('nginx could not be installed; the nginx columns will read n/a.');
  return installed;
}

export interface RunningNginx {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`nginx exited (${child.exitCode}): ${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error('nginx did not start listening in time');
    await sleep(50);
  }
}

export async function startNginx(binary: string, upstreamPort: number, listenPort: number): Promise<RunningNginx> {
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'cc-bench-nginx-'));
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(path.join(prefix, dir));
  const errorLog = path.join(prefix, 'logs', 'error.log');
  const conf = `
${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
worker_processes auto;
pid ${prefix}/nginx.pid;
error_log ${errorLog} warn;
events { worker_connections 1024; }
http {
  access_log ${prefix}/logs/access.log;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  upstream simulator {
    server 127.0.0.1:${upstreamPort};
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://simulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
      proxy_max_temp_file_size 0;
    }
  }
}
`;
  const confPath = path.join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const child = spawn(binary, ['-p', prefix, '-c', confPath, '-e', errorLog], { stdio: 'ignore' });
  await waitForPort(listenPort, child, errorLog);
  return {
    url: `http://127.0.0.1:${listenPort}`,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
