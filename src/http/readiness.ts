/**
 * /healthz: the process is alive (no dependency is asked). /readyz: this replica should receive
 * traffic: the configuration loaded (it did, or the process would not run), CC-FS answers on the
 * network, the CC-Gateway service agent is signed in when a gateway is configured, and the server
 * is not shutting down. The answer names each check's state, never a secret or an address.
 */
import type { Request, RequestHandler, Response } from 'express';

export type CheckState = 'ok' | 'failing' | 'not_configured' | 'relaying';

/** A pooled replica's part in the CC-Gateway agent pool (names only: agent ids, never passwords or Guids). */
export interface AgentPoolReport {
  /** The agent this replica holds, or null (its gateway downloads are relayed through a holder). */
  heldAgentId: string | null;
  session: string;
  /** Pool agents no replica holds. */
  free: number;
  /** Agents whose holder's session is signed in. */
  signedIn: number;
  size: number;
  store: string;
}

export interface ReadinessChecks {
  /** Resolves true when CC-FS answered (any HTTP status) within the probe's timeout. */
  ccfsReachable(): Promise<boolean>;
  /** Undefined when no gateway is configured; else whether the service agent is signed in now. */
  agentSignedIn: (() => boolean) | undefined;
  /** True once shutdown began: the load balancer must stop sending requests. */
  shuttingDown(): boolean;
  /**
   * With an agent pool: this replica's part in it. Then `agentSession` is `ok` while the agent held
   * here is signed in, else `relaying` (gateway downloads go through another replica), and never
   * makes the replica unready: the replicas holding agents are what keeps downloads working.
   */
  agentPool?: () => AgentPoolReport;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { config: CheckState; ccfs: CheckState; agentSession: CheckState; shutdown: CheckState };
  agentPool?: AgentPoolReport;
}

export async function checkReadiness(checks: ReadinessChecks): Promise<ReadinessReport> {
  const shuttingDown = checks.shuttingDown();
  const ccfs: CheckState = (await checks.ccfsReachable()) ? 'ok' : 'failing';
  const pool = checks.agentPool?.();
  const agentSession: CheckState = pool
    ? pool.session === 'signed_in'
      ? 'ok'
      : 'relaying'
    : checks.agentSignedIn === undefined
      ? 'not_configured'
      : checks.agentSignedIn()
        ? 'ok'
        : 'failing';
  return {
    ready: !shuttingDown && ccfs === 'ok' && agentSession !== 'failing',
    checks: { config: 'ok', ccfs, agentSession, shutdown: shuttingDown ? 'failing' : 'ok' },
    ...(pool ? { agentPool: pool } : {}),
  };
}

export function healthz(): RequestHandler {
  return (_req: Request, res: Response) => {
    res.setHeader('cache-control', 'no-store');
    res.json({ status: 'ok' });
  };
}

export function readyz(checks: ReadinessChecks): RequestHandler {
  return async (_req: Request, res: Response) => {
    const report = await checkReadiness(checks);
    res.setHeader('cache-control', 'no-store');
    res.status(report.ready ? 200 : 503).json({
      status: report.ready ? 'ready' : 'not_ready',
      checks: report.checks,
      ...(report.agentPool ? { agentPool: report.agentPool } : {}),
    });
  };
}
