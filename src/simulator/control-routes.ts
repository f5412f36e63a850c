/**
 * The simulator's own HTTP control surface, for out-of-process users (`npm run simulator`, the
 * reliability suite). Not part of the CC platform; never exposes secrets.
 *
 *   GET  /__simulator/state                      counters, samples, knobs, pending faults
 *   POST /__simulator/inject   {endpoint, fault, times?}   times: number or "Infinity" (default 1)
 *   POST /__simulator/inject-export {fault, times?}      faults of the next exports (no callback, broken zip, …)
 *   POST /__simulator/reset                      faults, counters, IP locks and knobs back to start
 *   POST /__simulator/knobs    {latencyMs?, latencyByEndpoint?, honourRange?, bytesPerSecond? (null = off)}
 *   POST /__simulator/expire-guids | /rotate-guid | /force-sign-out {agentId?}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportFaultProblem, faultProblem } from './faults.js';
import { jsonReply } from './replies.js';
import { sendReply } from './send-reply.js';
import { SIM_ENDPOINTS, type ExportFault, type SimEndpoint, type SimFault, type SimKnobs } from './types.js';

export interface KnobPatch {
  latencyMs?: number;
  latencyByEndpoint?: SimKnobs['latencyByEndpoint'];
  honourRange?: boolean;
  bytesPerSecond?: number | null;
}

export interface ControlTarget {
  state(): unknown;
  inject(endpoint: SimEndpoint, fault: SimFault, times: number): void;
  injectExport(fault: ExportFault, times: number): void;
  reset(): void;
  setKnobs(patch: KnobPatch): void;
  expireGuids(): void;
  forceSignOut(agentId?: string): void;
  rotateGuidNow(): void;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

function nonNegative(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0)) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

function parseKnobs(body: Record<string, unknown>): KnobPatch {
  const patch: KnobPatch = {};
  const latencyMs = nonNegative(body['latencyMs'], 'latencyMs');
  if (latencyMs !== undefined) patch.latencyMs = latencyMs;
  if (body['honourRange'] !== undefined) {
    if (typeof body['honourRange'] !== 'boolean') throw new Error('honourRange must be a boolean');
    patch.honourRange = body['honourRange'];
  }
  if (body['bytesPerSecond'] === null) patch.bytesPerSecond = null;
  else {
    const rate = nonNegative(body['bytesPerSecond'], 'bytesPerSecond');
    if (rate !== undefined) patch.bytesPerSecond = rate;
  }
  const byEndpoint = body['latencyByEndpoint'];
  if (byEndpoint !== undefined) {
    if (typeof byEndpoint !== 'object' || byEndpoint === null) throw new Error('latencyByEndpoint must be an object');
    const map: SimKnobs['latencyByEndpoint'] = {};
    for (const [endpoint, ms] of Object.entries(byEndpoint)) {
      if (!SIM_ENDPOINTS.includes(endpoint as SimEndpoint)) throw new Error(`unknown endpoint ${endpoint}`);
      map[endpoint as SimEndpoint] = nonNegative(ms, endpoint) ?? 0;
    }
    patch.latencyByEndpoint = map;
  }
  return patch;
}

function parseTimes(value: unknown): number {
  if (value === undefined) return 1;
  if (value === 'Infinity') return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error('times must be a positive integer or "Infinity"');
  return value;
}

function act(action: string, method: string, body: Record<string, unknown>, target: ControlTarget): unknown {
  if (action === 'state' && method === 'GET') return target.state();
  if (method !== 'POST') throw new Error(`use POST for /__simulator/${action}`);
  switch (action) {
    case 'inject': {
      const endpoint = body['endpoint'];
      if (typeof endpoint !== 'string' || !SIM_ENDPOINTS.includes(endpoint as SimEndpoint)) {
        throw new Error(`endpoint must be one of ${SIM_ENDPOINTS.join(', ')}`);
      }
      const problem = faultProblem(body['fault']);
      if (problem) throw new Error(problem);
      target.inject(endpoint as SimEndpoint, body['fault'] as SimFault, parseTimes(body['times']));
      return { ok: true };
    }
    case 'inject-export': {
      const problem = exportFaultProblem(body['fault']);
      if (problem) throw new Error(problem);
      target.injectExport(body['fault'] as ExportFault, parseTimes(body['times']));
      return { ok: true };
    }
    case 'reset':
      target.reset();
      return { ok: true };
    case 'knobs':
      target.setKnobs(parseKnobs(body));
      return { ok: true };
    case 'expire-guids':
      target.expireGuids();
      return { ok: true };
    case 'rotate-guid':
      target.rotateGuidNow();
      return { ok: true };
    case 'force-sign-out': {
      const agentId = body['agentId'];
      if (agentId !== undefined && typeof agentId !== 'string') throw new Error('agentId must be a string');
      target.forceSignOut(agentId);
      return { ok: true };
    }
    default:
      throw new Error(`unknown control action: ${action}`);
  }
}

export async function handleControl(action: string, req: IncomingMessage, res: ServerResponse, target: ControlTarget): Promise<void> {
  let reply;
  try {
    const body = await readJson(req);
    reply = jsonReply(200, act(action, req.method ?? 'GET', body, target), 'application/json');
  } catch (error) {
    reply = jsonReply(400, { ok: false, error: error instanceof Error ? error.message : String(error) }, 'application/json');
  }
  await sendReply(res, reply, { onBytes: () => undefined });
}
