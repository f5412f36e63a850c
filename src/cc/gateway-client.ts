/**
 * The CC-Gateway downloads this subgraph uses (docs/cc-platform.md §7): GET with the session's Guid;
 * success is an octet stream, failure a `{retcode, message, result}` JSON body.
 */
import { isCcError } from './cc-error.js';
import type { GatewaySession } from './gateway-session.js';
import type { HttpTransport } from './http-transport.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import {
  normalizeCcFileName,
  type DownloadOptions,
  type GatewayApi,
  type RecordFileDownloadExArgs,
  type UpstreamDownload,
  type VideoFileDownloadArgs,
} from './types.js';

/** The pages ask for it even on a GET without a body. */
const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

const isFlowControl = (error: unknown) => isCcError(error) && error.kind === 'flow_control';

export class GatewayClient implements GatewayApi {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly transport: HttpTransport,
    private readonly session: GatewaySession,
    private readonly agentId: string,
    options: { retry?: RetryPolicy } = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  recordFileDownloadEx(args: RecordFileDownloadExArgs, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    const query: Record<string, string> = { callId: args.callId };
    if (args.hwFileName) query.hwFileName = normalizeCcFileName(args.hwFileName);
    if (args.workNo) query.workNo = args.workNo;
    return this.download('recordfiledownloadEx', query, options);
  }

  videoFileDownload(args: VideoFileDownloadArgs, options: DownloadOptions = {}): Promise<UpstreamDownload> {
    const query: Record<string, string> = { conferenceId: args.conferenceId };
    if (args.recordId) query.recordId = args.recordId;
    query.fileType = String(args.fileType);
    return this.download('videofiledownload', query, options);
  }

  private download(name: string, query: Record<string, string>, options: DownloadOptions): Promise<UpstreamDownload> {
    return withRetry(
      () =>
        this.session.withGuid((guid, observe) =>
          this.transport.openDownload({
            name,
            method: 'GET',
            path: `/agentgateway/resource/recordfile/${this.agentId}/${name}`,
            query,
            headers: { 'content-type': JSON_CONTENT_TYPE, guid },
            signal: options.signal,
            range: options.range,
            onResponseHeaders: observe,
          }),
        ),
      this.retry,
      isFlowControl,
      options.signal,
    );
  }
}
