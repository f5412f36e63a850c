/** Injected faults: a queue per endpoint, each fault applied to the next `times` calls. */
import { SIM_ENDPOINTS, type ExportFault, type SimEndpoint, type SimFault } from './types.js';

interface QueuedFault {
  fault: SimFault;
  remaining: number;
}

export class FaultBook {
  private readonly queues = new Map<SimEndpoint, QueuedFault[]>();

  inject(endpoint: SimEndpoint, fault: SimFault, times = 1): void {
    if (!SIM_ENDPOINTS.includes(endpoint)) throw new Error(`unknown simulator endpoint: ${String(endpoint)}`);
    const problem = faultProblem(fault);
    if (problem) throw new Error(problem);
    if (!(times > 0)) throw new Error('times must be positive (Infinity = until cleared)');
    const queue = this.queues.get(endpoint) ?? [];
    queue.push({ fault, remaining: times });
    this.queues.set(endpoint, queue);
  }

  /** The fault for this call, if any (consumes one use). */
  take(endpoint: SimEndpoint): SimFault | undefined {
    const queue = this.queues.get(endpoint);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queues.clear();
  }

  pending(): Array<{ endpoint: SimEndpoint; fault: SimFault; remaining: number | 'Infinity' }> {
    return [...this.queues].flatMap(([endpoint, queue]) =>
      queue.map((q) => ({ endpoint, fault: q.fault, remaining: Number.isFinite(q.remaining) ? q.remaining : ('Infinity' as const) })),
    );
  }
}

/** Why a value is not a valid SimFault (for the HTTP control surface), or undefined when it is. */
export function faultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'fault must be an object with a type';
  const fault = value as Record<string, unknown>;
  switch (fault['type']) {
    case 'resultCode':
      if (typeof fault['code'] !== 'string' || fault['code'] === '') return 'resultCode fault needs a code string';
      if (fault['desc'] !== undefined && typeof fault['desc'] !== 'string') return 'desc must be a string';
      return undefined;
    case 'http':
      return Number.isInteger(fault['status']) && (fault['status'] as number) >= 100 && (fault['status'] as number) <= 599
        ? undefined
        : 'http fault needs a status 100–599';
    case 'truncate':
      return Number.isInteger(fault['afterBytes']) && (fault['afterBytes'] as number) >= 0
        ? undefined
        : 'truncate fault needs afterBytes ≥ 0';
    case 'jsonAsBinary':
      return fault['code'] === undefined || typeof fault['code'] === 'string' ? undefined : 'code must be a string';
    case 'reset':
    case 'hang':
    case 'flowControl':
    case 'corrupt':
      return undefined;
    default:
      return `unknown fault type: ${String(fault['type'])}`;
  }
}

/** Why a value is not a valid ExportFault, or undefined when it is. */
export function exportFaultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'export fault must be an object with a type';
  const fault = value as Record<string, unknown>;
  switch (fault['type']) {
    case 'noCallback':
    case 'brokenZip':
    case 'hostileRows':
      return undefined;
    case 'oversizedZip':
      return fault['inflatedBytes'] === undefined || (Number.isInteger(fault['inflatedBytes']) && (fault['inflatedBytes'] as number) > 0)
        ? undefined
        : 'oversizedZip inflatedBytes must be a positive integer';
    case 'slowFile':
      return Number.isInteger(fault['readyAfterMs']) && (fault['readyAfterMs'] as number) >= 0 ? undefined : 'slowFile needs readyAfterMs ≥ 0';
    default:
      return `unknown export fault type: ${String(fault['type'])}`;
  }
}
