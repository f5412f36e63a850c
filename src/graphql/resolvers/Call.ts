/**
 * Call media: one download of all its CC-FS recordings (downloadRecord by callId) and the
 * VoiceCyber audio / video through the CC-Gateway. Links only: bytes flow through the media route.
 */
import type { CallResolvers } from '../../generated/resolvers-types.js';
import { normalizeCcFileName } from '../../cc/types.js';
import { gatewayNotConfigured } from '../errors.js';
import { baseNameOf, callRecordingsFileName, gatewayRecordingFileName } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';
import { linkTtlSeconds, optionalCcId, optionalWorkNo, requireCallId, requireHwFileName } from '../validation.js';

export const Call: CallResolvers = {
  // Async: a bad representation fails alone in `_entities` (see Recording.ts).
  __resolveReference: async (reference) => ({ callId: requireCallId(reference.callId) }),
  callId: (parent) => parent.callId,

  recordingsDownload: (parent, { ccId, expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    const cc = optionalCcId(ccId);
    return mintLink(context, {
      target: { kind: 'downloadRecord', callId: parent.callId, ...(cc === undefined ? {} : { ccId: cc }) },
      disposition: 'attachment',
      fileName: callRecordingsFileName(parent.callId),
      ttlSeconds,
    });
  },

  gatewayRecording: (parent, { workNo, expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    const inspected = optionalWorkNo(workNo);
    if (context.services.gateway === undefined) throw gatewayNotConfigured();
    return mintLink(context, {
      target: { kind: 'recordFileDownloadEx', callId: parent.callId, ...(inspected === undefined ? {} : { workNo: inspected }) },
      disposition: 'attachment',
      fileName: gatewayRecordingFileName(parent.callId),
      ttlSeconds,
    });
  },

  gatewayVideo: (parent, { hwFileName, expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    const video = normalizeCcFileName(requireHwFileName(hwFileName));
    if (context.services.gateway === undefined) throw gatewayNotConfigured();
    return mintLink(context, {
      target: { kind: 'recordFileDownloadEx', callId: parent.callId, hwFileName: video },
      disposition: 'attachment',
      fileName: baseNameOf(video),
      ttlSeconds,
    });
  },
};
