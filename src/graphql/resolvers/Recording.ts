/**
 * Recording: playback through the per-request playback loader; download verifies the file through
 * the same loader first (an unknown file is CC_FILE_NOT_FOUND, not a link that fails later), which
 * costs nothing extra when `playback` is in the same query.
 */
import { requireLinkScope } from '../../auth/caller-auth.js';
import { normalizeCcFileName } from '../../cc/types.js';
import type { RecordingResolvers } from '../../generated/resolvers-types.js';
import { baseNameOf } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';
import { loadPlayback } from '../loaders/playback-loader.js';
import { linkTtlSeconds, requireRecordingFileName } from '../validation.js';

export const Recording: RecordingResolvers = {
  // Async on purpose: a refused representation then fails alone in `_entities`, not the whole list.
  __resolveReference: async (reference) => ({ fileName: requireRecordingFileName(reference.fileName) }),
  fileName: (parent) => parent.fileName,

  playback: async (parent, _args, context) => {
    // The CC token is itself a credential for the recording: same scope as a link.
    requireLinkScope(context.auth);
    const grant = await loadPlayback(context.loaders.playback, parent.fileName);
    return { token: grant.token, expiresAt: grant.expiresAt, fileName: normalizeCcFileName(parent.fileName) };
  },

  download: async (parent, { expiresInSeconds }, context) => {
    const ttlSeconds = linkTtlSeconds(expiresInSeconds, context.services.config);
    // Minting first: a caller who may not have links is refused before any upstream call.
    const link = mintLink(context, {
      target: { kind: 'downloadRecord', fileName: normalizeCcFileName(parent.fileName) },
      disposition: 'attachment',
      fileName: baseNameOf(parent.fileName),
      ttlSeconds,
    });
    await loadPlayback(context.loaders.playback, parent.fileName);
    return link;
  },
};
