/**
 * ROUTER_SECRET: only the company router may call /graphql. The router adds the shared secret as
 * `Router-Authorization`; anything else gets a 401 before Apollo sees it. Compared in constant time
 * over SHA-256 digests, so neither the content nor the length of the secret leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const ROUTER_SECRET_HEADER = 'router-authorization';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function secretMatches(expected: string, presented: string | string[] | undefined): boolean {
  // A missing or repeated header is compared as the empty string, so every refusal takes the same path.
  return timingSafeEqual(digest(expected), digest(typeof presented === 'string' ? presented : ''));
}

export function requireRouterSecret(secret: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (secretMatches(secret, req.headers[ROUTER_SECRET_HEADER])) {
      next();
      return;
    }
    res.status(401).json({
      errors: [{ message: 'This subgraph accepts requests from the router only', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  };
}
