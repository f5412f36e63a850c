/**
 * Recording: playback through the per-request playback loader; download verifies the file through
 * the same loader first (an unknown file is CC_FILE_NOT_FOUND, not a link that fails later), which
 * costs nothing extra when `playback` is in the same query. A grant already at hand answers without
 * a promise (a warm `_entities` of 20 recordings then resolves in one pass). The index fields read the
 * row the parent already holds (Call.recordings, searchRecordings) or, for a recording named by file
 * name, one batched query per request (recording-index-loaders.ts); all null while `indexed` is false.
 */
import { requireLinkScope } from '../../auth/caller-auth.js';
import { normalizeCcFileName, type PlayVoiceGrant } from '../../cc/types.js';
import type { RecordingResolvers } from '../../generated/resolvers-types.js';
import { directionOf } from '../../data/recording-index/call-direction.js';
import type { RecordingEntry } from '../../data/recording-index/recording-entry.js';
import type { GraphQLContext } from '../context.js';
import { loadIndexedRecording } from '../loaders/recording-index-loaders.js';
import { baseNameOf } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';
import type { PlaybackModel, RecordingModel } from '../models.js';
import { linkTtlSeconds, requireRecordingFileName } from '../validation.js';

/** The recording's row of the index: the one the parent read, or one batched lookup per request. */
function indexRow(parent: RecordingModel, context: GraphQLContext): Promise<RecordingEntry | null> {
  return parent.index !== undefined ? Promise.resolve(parent.index) : loadIndexedRecording(context.loaders.index, parent.fileName);
}

/** A resolver of one index field: null when the file is not indexed. */
function fromIndex<T>(pick: (entry: RecordingEntry) => T) {
  return async (parent: RecordingModel, _args: unknown, context: GraphQLContext): Promise<T | null> => {
    const entry = await indexRow(parent, context);
    return entry === null ? null : pick(entry);
  };
}

function playbackOf(grant: PlayVoiceGrant, fileName: string): PlaybackModel {
  return { token: grant.token, expiresAt: grant.expiresAt, fileName: normalizeCcFileName(fileName) };
}

export const Recording: RecordingResolvers = {
  __resolveReference: (reference) => {
    try {
      return { fileName: requireRecordingFileName(reference.fileName) };
    } catch (error) {
      // A rejected promise, not a throw: a refused representation then fails alone in `_entities`,
      // not the whole list.
      return Promise.reject(error);
    }
  },
  fileName: (parent) => parent.fileName,

  playback: (parent, _args, context) => {
    // The CC token is itself a credential for the recording: same scope as a link.
    requireLinkScope(context.auth);
    const grant = context.loaders.playback.now(parent.fileName);
    if (grant !== undefined) return playbackOf(grant, parent.fileName);
    return context.loaders.playback.load(parent.fileName).then((loaded) => playbackOf(loaded, parent.fileName));
  },

  download: (parent, { expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    // Minting first: a caller who may not have links is refused before any upstream call.
    const link = mintLink(context, {
      target: { kind: 'downloadRecord', fileName: normalizeCcFileName(parent.fileName) },
      disposition: 'attachment',
      fileName: baseNameOf(parent.fileName),
      ttlSeconds,
    });
    if (context.loaders.playback.now(parent.fileName) !== undefined) return link;
    return context.loaders.playback.load(parent.fileName).then(() => link);
  },

  indexed: async (parent, _args, context) => (await indexRow(parent, context)) !== null,
  call: fromIndex((entry) => ({ callId: entry.callId })),
  agentId: fromIndex((entry) => entry.agentId),
  callerNumber: fromIndex((entry) => entry.callerNumber),
  calleeNumber: fromIndex((entry) => entry.calleeNumber),
  beginTime: fromIndex((entry) => entry.beginTime),
  endTime: fromIndex((entry) => entry.endTime),
  callType: fromIndex((entry) => entry.callType),
  direction: fromIndex((entry) => directionOf(entry.callType)),
  mediaType: fromIndex((entry) => entry.mediaType),
  ccId: fromIndex((entry) => entry.ccId),
  vdnId: fromIndex((entry) => entry.vdnId),
  skillId: fromIndex((entry) => entry.skillId),
};
