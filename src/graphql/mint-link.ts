/** Mints a media link for a resolver, with the request's subject for the audit trail. */
import type { MintRequest, MintedLink } from '../media/link-target.js';
import type { GraphQLContext } from './context.js';

export function mintLink(context: GraphQLContext, request: Omit<MintRequest, 'subject'>): MintedLink {
  return context.services.links.mint({
    ...request,
    ...(context.subject === undefined ? {} : { subject: context.subject }),
  });
}
