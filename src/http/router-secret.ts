/**
 * ROUTER_SECRET: only the company router may call /graphql. The router adds the shared secret as
 * `Router-Authorization`; anything else gets a 401 before Apollo sees it. Compared in constant time
 * over SHA-256 digests, so neither the content nor the length of the secret leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const ROUTER_SECRET_HEADER = 'router-authorization';
export const ROUTER_ONLY_MESSAGE = 'This subgraph accepts requests from the router only';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The check of one secret; the secret's own digest is computed once. */
export function routerSecretCheck(expected: string): (presented: string | string[] | undefined) => boolean {
  const expectedDigest = digest(expected);
  // A missing or repeated header is compared as the empty string, so every refusal takes the same path.
  return (presented) => timingSafeEqual(expectedDigest, digest(typeof presented === 'string' ? presented : ''));
}
