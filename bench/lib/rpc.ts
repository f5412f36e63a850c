/**
 * A tiny request/response protocol over the IPC channel of a forked child, so the benchmark can
 * drive a server that runs in its own process (its own event loop and its own RSS) while keeping
 * typed control over it (knobs, counters, faults).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../../test/support/node-process.js';

interface RpcRequest {
  rpc: 'call';
  id: number;
  method: string;
  args: unknown[];
}

interface RpcResponse {
  rpc: 'result';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

interface ReadyMessage {
  rpc: 'ready';
  info: unknown;
}

type Handler = (...args: never[]) => unknown;

/** Child side: answer calls with the given handlers and announce `info` once ready. */
export function serveRpc(info: unknown, handlers: Record<string, Handler>): void {
  if (!process.send) throw new Error('serveRpc needs an IPC channel (start the child with fork)');
  process.on('message', (message: RpcRequest) => {
    if (message?.rpc !== 'call') return;
    const handler = handlers[message.method];
    const reply = (response: Omit<RpcResponse, 'rpc' | 'id'>): void => {
      process.send?.({ rpc: 'result', id: message.id, ...response } satisfies RpcResponse);
    };
    if (!handler) {
      reply({ ok: false, error: `unknown method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => (handler as (...args: unknown[]) => unknown)(...message.args))
      .then(
        (value) => reply({ ok: true, value }),
        (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  // The parent going away must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  process.send({ rpc: 'ready', info } satisfies ReadyMessage);
}

export interface RpcChild<Info> {
  info: Info;
  pid: number;
  process: ChildProcess;
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Asks the child to close, then kills it if it has not exited within a few seconds. */
  stop(): Promise<void>;
}

export interface ForkOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof`. */
  execArgv?: string[];
  /** Show the child's stderr (default: only when it fails to start). */
  inheritStderr?: boolean;
}

/** Parent side: fork `modulePath` (a .ts file, relative to `base`) under tsx and wait for it to be ready. */
export async function forkRpcChild<Info>(moduleUrl: URL, options: ForkOptions = {}): Promise<RpcChild<Info>> {
  const child = fork(fileURLToPath(moduleUrl), [], {
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', options.inheritStderr ? 'inherit' : 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const info = await new Promise<Info>((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`${moduleUrl.pathname} exited (${code}) before it was ready:\n${stderr}`));
    child.once('exit', onExit);
    child.on('message', (message: ReadyMessage | RpcResponse) => {
      if (message.rpc === 'ready') {
        child.off('exit', onExit);
        resolve(message.info as Info);
      } else if (message.rpc === 'result') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.value);
        else waiter?.reject(new Error(message.error));
      }
    });
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`child exited (${code})`));
    pending.clear();
  });

  return {
    info,
    pid: child.pid!,
    process: child,
    call<T>(method: string, ...args: unknown[]): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ rpc: 'call', id, method, args } satisfies RpcRequest);
      });
    },
    stop: () => stopChild(child, 5000),
  };
}
