/**
 * The LinkMinter a GraphQL request gets: it mints only for a caller allowed to (requireLinkScope)
 * and stamps that caller's subject into the link, so the media route's audit event of every use
 * names who minted it. Every link-minting resolver goes through `links.mint`, so this one wrapper
 * gates them all.
 */
import type { LinkMinter } from '../media/link-target.js';
import { requireLinkScope, type CallerAuth } from './caller-auth.js';

export function guardLinkMinter(minter: LinkMinter, auth: CallerAuth): LinkMinter {
  return {
    mint(request) {
      const { subject } = requireLinkScope(auth);
      return minter.mint(subject === undefined ? request : { ...request, subject });
    },
  };
}
