/**
 * Every link-minting resolver goes through here: the caller must be allowed to mint
 * (requireLinkScope: UNAUTHENTICATED / FORBIDDEN null only the field), and the caller's subject is
 * stamped into the link so the media route's audit event of every use names who minted it.
 */
import { requireLinkScope } from '../auth/caller-auth.js';
import type { MintRequest, MintedLink } from '../media/link-target.js';
import type { GraphQLContext } from './context.js';

export function mintLink(context: GraphQLContext, request: Omit<MintRequest, 'subject'>): MintedLink {
  const { subject } = requireLinkScope(context.auth);
  return context.services.links.mint(subject === undefined ? request : { ...request, subject });
}
