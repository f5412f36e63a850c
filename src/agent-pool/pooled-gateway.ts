/**
 * The GatewayApi a pooled replica hands to GraphQL and the media route: through its own agent
 * session while it holds a signed-in agent, else relayed through a replica that does.
 */
import type { DownloadOptions, GatewayApi, RecordFileDownloadExArgs, UpstreamDownload, VideoFileDownloadArgs } from '../cc/types.js';

export class PooledGateway implements GatewayApi {
  constructor(
    private readonly local: () => GatewayApi | undefined,
    private readonly relay: GatewayApi,
  ) {}

  recordFileDownloadEx(args: RecordFileDownloadExArgs, options?: DownloadOptions): Promise<UpstreamDownload> {
    return (this.local() ?? this.relay).recordFileDownloadEx(args, options);
  }

  videoFileDownload(args: VideoFileDownloadArgs, options?: DownloadOptions): Promise<UpstreamDownload> {
    return (this.local() ?? this.relay).videoFileDownload(args, options);
  }
}
