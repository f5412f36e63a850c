/** Playback.url: a link that streams through playVoice with the token and never outlives it. */
import type { PlaybackResolvers } from '../../generated/resolvers-types.js';
import { baseNameOf } from '../link-file-names.js';
import { mintLink } from '../mint-link.js';

export const Playback: PlaybackResolvers = {
  token: (parent) => parent.token,
  expiresAt: (parent) => parent.expiresAt,
  url: (parent, _args, context) =>
    mintLink(context, {
      target: { kind: 'playVoice', token: parent.token, fileName: parent.fileName },
      disposition: 'inline',
      fileName: baseNameOf(parent.fileName),
      ttlSeconds: context.services.config.mediaLinkTtlSeconds,
      notAfter: parent.expiresAt,
    }).url,
};
