/**
 * MEDIA_LINK_REUSE: link requests that are identical in every claim (target, disposition, file name,
 * subject and the expiry a fresh link would get) within one wall-clock second share one minted
 * link, so a burst of identical queries seals once per second instead of once per field. Nothing
 * else changes: the expiry is part of the identity, so it is exactly what a fresh link would have;
 * the subject is too, so no caller ever receives a link minted for another. What is given up: two
 * such requests in the same second get the same link id in their audit events.
 */
import type { MintedLink } from './link-target.js';

/** Most links remembered within one second (a memory bound; past it the second starts afresh). */
const MAX_LINKS_PER_SECOND = 10_000;

export interface LinkReuse {
  /** The link minted earlier in the same second under `identity`, or `mint()`'s, remembered. */
  (identity: string, nowMs: number, mint: () => MintedLink): MintedLink;
}

export function createLinkReuse(): LinkReuse {
  let second = Number.NaN;
  const links = new Map<string, MintedLink>();
  return (identity, nowMs, mint) => {
    const thisSecond = Math.floor(nowMs / 1000);
    if (thisSecond !== second || links.size >= MAX_LINKS_PER_SECOND) {
      second = thisSecond;
      links.clear();
    }
    let link = links.get(identity);
    if (link === undefined) {
      link = mint();
      links.set(identity, link);
    }
    return link;
  };
}
