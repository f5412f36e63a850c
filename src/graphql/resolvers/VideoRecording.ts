/** MCU video: a link per quality (videofiledownload fileType 0 HD, 1 SD, 2 aux). */
import type { VideoFileType } from '../../cc/types.js';
import type { VideoQuality, VideoRecordingResolvers } from '../../generated/resolvers-types.js';
import { gatewayNotConfigured } from '../errors.js';
import { videoFileName } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';
import { linkTtlSeconds, requireConferenceId, requireRecordId } from '../validation.js';

export const FILE_TYPE_BY_QUALITY: Record<VideoQuality, VideoFileType> = { HD: 0, SD: 1, AUX: 2 };

export const VideoRecording: VideoRecordingResolvers = {
  // Async: a bad representation fails alone in `_entities` (see Recording.ts).
  __resolveReference: async (reference) => ({
    conferenceId: requireConferenceId(reference.conferenceId),
    recordId: requireRecordId(reference.recordId),
  }),
  conferenceId: (parent) => parent.conferenceId,
  recordId: (parent) => parent.recordId,

  download: (parent, { quality, expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    if (context.services.gateway === undefined) throw gatewayNotConfigured();
    return mintLink(context, {
      target: {
        kind: 'videoFileDownload',
        conferenceId: parent.conferenceId,
        recordId: parent.recordId,
        fileType: FILE_TYPE_BY_QUALITY[quality],
      },
      disposition: 'attachment',
      fileName: videoFileName(parent.conferenceId, parent.recordId, quality),
      ttlSeconds,
    });
  },
};
