/**
 * MEDIA_LINK_REUSE: link requests that are identical in every claim (target, disposition, file name,
 * subject and the expiry a fresh link would get) within one wall-clock second share one minted
 * link, so a burst of identical queries seals once per second instead of once per field. Nothing
 * else changes: the expiry is part of the identity, so it is exactly what a fresh link would have;
 * the subject is too, so no caller ever receives a link minted for another. What is given up: two
 * such requests in the same second get the same link id in their audit events.
 *
 * The identity is looked up as a path of Map keys (each claim, and each target field with its
 * name), not as one string: no string is built or hashed, and no two different claim sets can
 * share a path.
 */
import type { MintedLink, MintRequest } from './link-target.js';

/** Most links remembered within one second (a memory bound; past it the second starts afresh). */
const MAX_LINKS_PER_SECOND = 10_000;

type Node = Map<unknown, Node | MintedLink>;
/** Where a node holds its link: a path that is a prefix of another (a target with fewer fields) stays apart. */
const LINK = Symbol('link');

export interface LinkReuse {
  /** The link minted earlier in this second for the same claims and expiry, or `mint()`'s, remembered. */
  (request: MintRequest, expirySeconds: number, nowMs: number, mint: () => MintedLink): MintedLink;
}

function identityOf(request: MintRequest, expirySeconds: number): unknown[] {
  const path: unknown[] = [expirySeconds, request.disposition, request.subject, request.fileName];
  const target = request.target as unknown as Record<string, unknown>;
  // Every field of the target, named: a field added to a target kind later is part of the identity too.
  for (const key of Object.keys(target)) path.push(key, target[key]);
  return path;
}

export function createLinkReuse(): LinkReuse {
  let second = Number.NaN;
  let root: Node = new Map();
  let count = 0;
  return (request, expirySeconds, nowMs, mint) => {
    const thisSecond = Math.floor(nowMs / 1000);
    if (thisSecond !== second || count >= MAX_LINKS_PER_SECOND) {
      second = thisSecond;
      root = new Map();
      count = 0;
    }
    let node = root;
    for (const key of identityOf(request, expirySeconds)) {
      let next = node.get(key) as Node | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(key, next);
      }
      node = next;
    }
    let link = node.get(LINK) as MintedLink | undefined;
    if (link === undefined) {
      link = mint();
      node.set(LINK, link);
      count += 1;
    }
    return link;
  };
}
