/**
 * A verified link's target → the one CC interface that streams it.
 */
import { CcError } from '../cc/cc-error.js';
import type { CcfsApi, DownloadOptions, GatewayApi, UpstreamDownload } from '../cc/types.js';
import type { LinkTarget } from './link-target.js';

export interface MediaUpstreams {
  ccfs: CcfsApi;
  /** Undefined when CC_GATEWAY_BASE_URL is unset outside simulator mode. */
  gateway: GatewayApi | undefined;
}

export async function openTarget(target: LinkTarget, upstreams: MediaUpstreams, options: DownloadOptions): Promise<UpstreamDownload> {
  const { ccfs } = upstreams;
  switch (target.kind) {
    case 'playVoice':
      return ccfs.playVoice(target.token, options);
    case 'downloadRecord':
      return ccfs.downloadRecord(
        {
          ...(target.fileName === undefined ? {} : { fileName: target.fileName }),
          ...(target.callId === undefined ? {} : { callId: target.callId }),
          ...(target.ccId === undefined ? {} : { ccId: target.ccId }),
        },
        options,
      );
    case 'agentOprInfoFile':
      return ccfs.downloadAgentOprInfoFile(target.fileName, options);
    case 'recordFileDownloadEx':
      return requireGateway(upstreams).recordFileDownloadEx(
        {
          callId: target.callId,
          ...(target.hwFileName === undefined ? {} : { hwFileName: target.hwFileName }),
          ...(target.workNo === undefined ? {} : { workNo: target.workNo }),
        },
        options,
      );
    case 'videoFileDownload':
      return requireGateway(upstreams).videoFileDownload(
        {
          conferenceId: target.conferenceId,
          ...(target.recordId === undefined ? {} : { recordId: target.recordId }),
          fileType: target.fileType,
        },
        options,
      );
  }
}

function requireGateway(upstreams: MediaUpstreams): GatewayApi {
  if (upstreams.gateway === undefined) {
    throw new CcError('not_configured', 'no CC-Gateway is configured (CC_GATEWAY_BASE_URL is unset)');
  }
  return upstreams.gateway;
}
