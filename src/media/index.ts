/** What the server and the GraphQL layer need from the media layer. */
export { createLinkCodec, LinkRejected } from './link-token.js';
export type { LinkCodec, LinkCodecOptions, LinkRejectionReason, VerifiedLink } from './link-token.js';
export { createMediaRoute } from './media-route.js';
export type { MediaRouteDeps } from './media-route.js';
export type { Disposition, LinkMinter, LinkTarget, MintedLink, MintRequest } from './link-target.js';
