/**
 * Call media: its recordings from the ingested index (one batched query per request), one download
 * of all its CC-FS recordings (downloadRecord by callId) and the VoiceCyber audio / video through the
 * CC-Gateway. Links only: bytes flow through the media route.
 */
import type { CallResolvers } from '../../generated/resolvers-types.js';
import { normalizeCcFileName } from '../../cc/types.js';
import { requireLinkScope } from '../../auth/caller-auth.js';
import type { RecordingEntry } from '../../data/recording-index/recording-entry.js';
import { isIndexDatabaseError } from '../../data/recording-index/index-database-error.js';
import type { GraphQLContext } from '../context.js';
import { gatewayNotConfigured } from '../errors.js';
import { baseNameOf, callRecordingsFileName, gatewayRecordingFileName } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';
import { linkTtlSeconds, optionalCcId, optionalWorkNo, requireCallId, requireHwFileName } from '../validation.js';

/**
 * How many recordings downloadRecord by callId (and ccId) will pack, as far as the index knows; undefined
 * when the index cannot say (the link then keeps the likely .wav, and the media route names the real
 * extension when the bytes arrive).
 */
async function indexedRecordingCount(context: GraphQLContext, callId: string, ccId: string | undefined): Promise<number | undefined> {
  let entries: RecordingEntry[];
  try {
    entries = await context.loaders.index.recordingsByCall.load(callId);
  } catch (error) {
    // The link works without the index: only its suggested name is less sure.
    if (!isIndexDatabaseError(error)) throw error;
    context.services.logger.warn({ operation: error.operation }, 'recording index unavailable; recordingsDownload keeps the likely .wav');
    return undefined;
  }
  return entries.filter((entry) => ccId === undefined || entry.ccId === null || entry.ccId === ccId).length;
}

export const Call: CallResolvers = {
  // Async: a bad representation fails alone in `_entities` (see Recording.ts).
  __resolveReference: async (reference) => ({ callId: requireCallId(reference.callId) }),
  callId: (parent) => parent.callId,

  recordings: async (parent, _args, context) => {
    const entries = await context.loaders.index.recordingsByCall.load(parent.callId);
    return entries.map((entry) => ({ fileName: entry.fileName, index: entry }));
  },

  recordingsDownload: async (parent, { ccId, expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    const cc = optionalCcId(ccId);
    // A caller who may not mint links is refused before the index is read.
    requireLinkScope(context.auth);
    const recordings = await indexedRecordingCount(context, parent.callId, cc);
    return mintLink(context, {
      target: { kind: 'downloadRecord', callId: parent.callId, ...(cc === undefined ? {} : { ccId: cc }) },
      disposition: 'attachment',
      fileName: callRecordingsFileName(parent.callId, recordings),
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
