/**
 * nginx as the load balancer in front of several replicas: round-robin over loopback upstreams,
 * HTTP/1.1 keep-alive to them (32 idle connections per worker, 60 s idle: what a router keeps),
 * started in the foreground with its own prefix. The access log records the upstream(s) each
 * request went to and their statuses (never the path: a media path is a link), so a test can count
 * requests per replica and the requests nginx moved on to another replica.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NGINX_BINARY = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((candidate) => existsSync(candidate));

export interface LoadBalancer {
  url: string;
  /** One parsed access log line per request that reached nginx. */
  accessLog(): AccessLogLine[];
  /** nginx's error log lines (warn and above): why a request failed or was moved on. */
  errorLog(): string[];
  stop(): Promise<void>;
}

export interface AccessLogLine {
  status: number;
  method: string;
  /** The upstreams tried, in order (more than one when nginx moved the request on). */
  upstreams: string[];
  upstreamStatuses: string[];
}

export interface LoadBalancerOptions {
  /** `127.0.0.1:port` of each replica. */
  upstreams: string[];
  listenPort: number;
  /** Extra directives in the proxying location (e.g. a proxy_next_upstream policy). */
  locationDirectives?: string[];
}

async function waitForPort(port: number, child: ChildProcess, errorLog: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`);
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

export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  if (NGINX_BINARY === undefined) throw new Error('nginx is not installed (apt-get install -y nginx-light)');
  const prefix = mkdtempSync(path.join(os.tmpdir(), 'cc-lb-nginx-'));
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) mkdirSync(path.join(prefix, dir));
  const errorLog = path.join(prefix, 'logs', 'error.log');
  const accessLog = path.join(prefix, 'logs', 'access.log');
  const conf = `
${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 2;
pid ${prefix}/nginx.pid;
error_log ${errorLog} warn;
events { worker_connections 4096; }
http {
  log_format lb '$status $request_method "$upstream_addr" "$upstream_status"';
  access_log ${accessLog} lb;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_timeout 65;
  upstream subgraph {
    zone subgraph 64k;
${options.upstreams.map((upstream) => `    server ${upstream} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 32;
    keepalive_timeout 60s;
  }
  server {
    listen 127.0.0.1:${options.listenPort};
    location / {
      proxy_pass http://subgraph;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_max_temp_file_size 0;
      proxy_read_timeout 60s;
${(options.locationDirectives ?? []).map((directive) => `      ${directive}`).join('\n')}
    }
  }
}
`;
  const confPath = path.join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const test = spawnSync(NGINX_BINARY, ['-t', '-p', prefix, '-c', confPath, '-e', errorLog], { encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`nginx refused its configuration: ${test.stderr}`);
  const child = spawn(NGINX_BINARY, ['-p', prefix, '-c', confPath, '-e', errorLog], { stdio: 'ignore' });
  await waitForPort(options.listenPort, child, errorLog);
  return {
    url: `http://127.0.0.1:${options.listenPort}`,
    accessLog() {
      if (!existsSync(accessLog)) return [];
      return readFileSync(accessLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const match = /^(\d+) (\S+) "([^"]*)" "([^"]*)"$/.exec(line);
          if (!match) return { status: 0, method: '', upstreams: [], upstreamStatuses: [] };
          return {
            status: Number(match[1]),
            method: match[2]!,
            upstreams: match[3]!.split(/,\s*/).filter((u) => u !== '-' && u !== ''),
            upstreamStatuses: match[4]!.split(/,\s*/).filter((s) => s !== '-' && s !== ''),
          };
        });
    },
    errorLog() {
      return existsSync(errorLog) ? readFileSync(errorLog, 'utf8').split('\n').filter(Boolean) : [];
    },
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
