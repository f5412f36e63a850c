/**
 * Who the end user behind a GraphQL request is, as far as link minting cares. Built once per request
 * (jwt-verifier.ts) and carried in the GraphQL context; link-minting resolvers call
 * `requireLinkScope` before they mint.
 */
import { GraphQLError } from 'graphql';

export type CallerAuth =
  /** JWT_JWKS_URL is unset: anybody the router lets through may mint links. */
  | { status: 'not_configured' }
  | { status: 'authenticated'; subject: string; scopes: readonly string[]; requiredScope: string }
  | { status: 'unauthenticated'; reason: 'missing_token' | 'invalid_token'; requiredScope: string };

export const AUTH_NOT_CONFIGURED: CallerAuth = { status: 'not_configured' };

/**
 * The gate of every field that mints a media link or hands out a playback token. Returns the
 * subject to record in the link (MintRequest.subject); throws a GraphQL error that nulls only
 * the field: UNAUTHENTICATED without a valid token, FORBIDDEN without the required scope.
 */
export function requireLinkScope(auth: CallerAuth | undefined): { subject: string | undefined } {
  if (auth === undefined || auth.status === 'not_configured') return { subject: undefined };
  if (auth.status === 'unauthenticated') {
    throw new GraphQLError(
      auth.reason === 'missing_token'
        ? 'Media links need a bearer token (Authorization header)'
        : 'The bearer token is not valid (signature, issuer, audience or expiry)',
      { extensions: { code: 'UNAUTHENTICATED' } },
    );
  }
  if (!auth.scopes.includes(auth.requiredScope)) {
    throw new GraphQLError(`Media links need the scope ${auth.requiredScope}`, {
      extensions: { code: 'FORBIDDEN', requiredScope: auth.requiredScope },
    });
  }
  return { subject: auth.subject };
}
