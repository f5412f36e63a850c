/**
 * A verified link's target → the one CC interface that streams it.
 */
import { CcError, isCcError } from '../cc/cc-error.js';
import type { CcfsApi, DownloadOptions, GatewayApi, UpstreamDownload } from '../cc/types.js';
import type { LinkTarget } from './link-target.js';

export interface MediaUpstreams {
  ccfs: CcfsApi;
  /** A fresh playback token for a file whose token the platform refused (see token-cache.ts). */
  renewPlaybackToken?: (fileName: string, refusedToken: string) => Promise<string>;
  /** Undefined when CC_GATEWAY_BASE_URL is unset outside simulator mode. */
  gateway: GatewayApi | undefined;
}

export async function openTarget(target: LinkTarget, upstreams: MediaUpstreams, options: DownloadOptions): Promise<UpstreamDownload> {
  const { ccfs } = upstreams;
  switch (target.kind) {
    case 'playVoice':
      return playVoiceRenewingToken(target, upstreams, options);
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

/**
 * playVoice with the link's token; when the platform no longer knows that token (0101xx other than
 * 010106, "empty"), once more with a fresh one, so that a CC-FS restart does not break playback.
 */
async function playVoiceRenewingToken(
  target: Extract<LinkTarget, { kind: 'playVoice' }>,
  upstreams: MediaUpstreams,
  options: DownloadOptions,
): Promise<UpstreamDownload> {
  try {
    return await upstreams.ccfs.playVoice(target.token, options);
  } catch (error) {
    const tokenRefused = isCcError(error) && /^0101\d\d$/.test(error.code ?? '') && error.code !== '010106';
    if (!tokenRefused || upstreams.renewPlaybackToken === undefined || options.signal?.aborted) throw error;
    const token = await upstreams.renewPlaybackToken(target.fileName, target.token);
    return upstreams.ccfs.playVoice(token, options);
  }
}

function requireGateway(upstreams: MediaUpstreams): GatewayApi {
  if (upstreams.gateway === undefined) {
    throw new CcError('not_configured', 'no CC-Gateway is configured (CC_GATEWAY_BASE_URL is unset)');
  }
  return upstreams.gateway;
}
