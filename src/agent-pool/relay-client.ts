/**
 * The asking side of the relay: a GatewayApi for a replica that holds no agent. Each download goes
 * to a replica whose lease says its agent session is signed in (those first, in turn), through the
 * same CC transport as a direct gateway call, so the answer is checked the same way (status, JSON
 * error sniffing, length). A holder that no longer has a session (421) or cannot be reached is
 * skipped for the next one before any byte was passed on; any other failure is the CC-Gateway's
 * answer and is final.
 */
import { CcError, isCcError } from '../cc/cc-error.js';
import { HttpTransport } from '../cc/http-transport.js';
import type { DownloadOptions, GatewayApi, RecordFileDownloadExArgs, UpstreamDownload, VideoFileDownloadArgs } from '../cc/types.js';
import type { Metrics } from '../observability/metrics.js';
import type { AgentLease } from './lease-store.js';
import { RELAY_AUTH_HEADER, type RelayAuth } from './relay-auth.js';
import { NO_AGENT_STATUS, RELAY_PATH, relayQuery, type RelayedOperation } from './relay-wire.js';

export interface RelayClientOptions {
  auth: RelayAuth;
  /** Leases of the other replicas' agents (this replica's own excluded). */
  holders: () => Promise<AgentLease[]>;
  metrics: Metrics;
  /** Until the holder's response headers; above the holder's own CC first-byte timeout and retries. */
  firstByteTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export class RelayClient implements GatewayApi {
  private readonly transports = new Map<string, HttpTransport>();
  private turn = 0;
  private closed = false;

  constructor(private readonly options: RelayClientOptions) {}

  recordFileDownloadEx(args: RecordFileDownloadExArgs, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    return this.relay({ operation: 'recordfiledownloadEx', args }, options);
  }

  videoFileDownload(args: VideoFileDownloadArgs, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    return this.relay({ operation: 'videofiledownload', args }, options);
  }

  close(): void {
    this.closed = true;
    for (const transport of this.transports.values()) transport.close();
    this.transports.clear();
  }

  private async relay(relayed: RelayedOperation, options: DownloadOptions): Promise<UpstreamDownload> {
    const holders = await this.candidates();
    this.options.metrics.gatewayRelayed.inc({ direction: 'out' });
    for (const holder of holders) {
      if (options.signal?.aborted) break;
      const transport = this.transportFor(holder.relayUrl);
      const path = `${RELAY_PATH}/${relayed.operation}`;
      const query = relayQuery(relayed);
      const target = transport.resolve(path, query);
      try {
        return await transport.openDownload({
          name: `relay:${relayed.operation}`,
          method: 'GET',
          path,
          query,
          headers: { [RELAY_AUTH_HEADER]: this.options.auth.sign(target.pathname + target.search) },
          ...(options.range === undefined ? {} : { range: options.range }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
        });
      } catch (error) {
        if (!isCcError(error) || !tryAnother(error)) throw error;
      }
    }
    if (options.signal?.aborted) throw options.signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
    throw new CcError('unavailable', 'no replica with a signed-in CC-Gateway agent could serve the download now');
  }

  /** Holders whose session is signed in first (taking turns among them), then the others. */
  private async candidates(): Promise<AgentLease[]> {
    const leases = await this.options.holders();
    const ready = leases.filter((lease) => lease.ready);
    const rest = leases.filter((lease) => !lease.ready);
    const start = ready.length === 0 ? 0 : this.turn++ % ready.length;
    return [...ready.slice(start), ...ready.slice(0, start), ...rest];
  }

  private transportFor(relayUrl: string): HttpTransport {
    let transport = this.transports.get(relayUrl);
    if (transport === undefined) {
      if (this.closed) throw new CcError('unavailable', 'the gateway relay is shut down');
      transport = new HttpTransport({
        upstream: 'CC-Gateway',
        baseUrl: relayUrl,
        tls: { ca: undefined, serverName: undefined },
        // A relayed stream holds no slot once its headers arrived; the holder caps its own CC calls.
        maxConcurrency: 64,
        metrics: this.options.metrics,
        timeouts: {
          connectTimeoutMs: this.options.connectTimeoutMs ?? 2_000,
          firstByteTimeoutMs: this.options.firstByteTimeoutMs ?? 90_000,
        },
      });
      this.transports.set(relayUrl, transport);
    }
    return transport;
  }
}

/** Not the CC-Gateway's answer but the holder's: no session there (421), or not reachable at all. */
function tryAnother(error: CcError): boolean {
  if (error.httpStatus === NO_AGENT_STATUS) return true;
  return error.kind === 'unavailable' && error.httpStatus === undefined && error.code === undefined;
}
