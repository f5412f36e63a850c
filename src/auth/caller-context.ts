/**
 * Puts the caller into a request's GraphQL context: the verified caller (`auth`, for resolvers that
 * hand out credentials without minting, such as Recording.playback), the subject (for audit), and a
 * link minter that refuses callers without the required scope (guarded-minter.ts).
 */
import type { GraphQLContext } from '../graphql/context.js';
import type { CallerAuth } from './caller-auth.js';
import { guardLinkMinter } from './guarded-minter.js';

export function withCaller(context: GraphQLContext, auth: CallerAuth): GraphQLContext & { auth: CallerAuth } {
  return {
    ...context,
    auth,
    services: { ...context.services, links: guardLinkMinter(context.services.links, auth) },
    ...(auth.status === 'authenticated' ? { subject: auth.subject } : {}),
  };
}
