/**
 * A throwaway PostgreSQL 15 cluster (Debian's `postgresql` package) for tests: initdb into a temp
 * directory, a server on 127.0.0.1 and a free port (no Unix socket outside that directory), one
 * fresh database per caller, and stop + remove at the end. initdb refuses to run as root, so as
 * root the cluster runs as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const POSTGRES_BIN = process.env['POSTGRES_BIN'] ?? '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  adminUrl: string;
  port: number;
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function asClusterOwner(binary: string, args: string[]): [string, string[]] {
  const full = path.join(POSTGRES_BIN, binary);
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', full, ...args]] : [full, args];
}

async function clusterCommand(binary: string, args: string[]): Promise<void> {
  const [command, argv] = asClusterOwner(binary, args);
  await run(command, argv, { timeout: 60_000 });
}

let databaseCounter = 0;

export async function startPostgres(): Promise<TestPostgres> {
  if (!existsSync(path.join(POSTGRES_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL is not installed (${POSTGRES_BIN}/initdb missing): apt-get install -y postgresql`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'cc-media-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  await clusterCommand('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);

  let port = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && port === 0; attempt++) {
    const candidate = await freePort();
    try {
      await clusterCommand('pg_ctl', [
        '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60',
        '-o', `-p ${candidate} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
        'start',
      ]);
      port = candidate;
    } catch (error) {
      lastError = error; // the port was taken in between: try another
    }
  }
  if (port === 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  }

  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    adminUrl,
    port,
    async createDatabase() {
      databaseCounter += 1;
      const name = `test_${process.pid}_${databaseCounter}`;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await clusterCommand('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
