/**
 * Recording: playback through the per-request playback loader; download verifies the file through
 * the same loader first (an unknown file is CC_FILE_NOT_FOUND, not a link that fails later), which
 * costs nothing extra when `playback` is in the same query. A grant already at hand answers without
 * a promise (a warm `_entities` of 20 recordings then resolves in one pass).
 */
import { requireLinkScope } from '../../auth/caller-auth.js';
import { normalizeCcFileName, type PlayVoiceGrant } from '../../cc/types.js';
import type { RecordingResolvers } from '../../generated/resolvers-types.js';
import { baseNameOf } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';
import type { PlaybackModel } from '../models.js';
import { linkTtlSeconds, requireRecordingFileName } from '../validation.js';

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
};
