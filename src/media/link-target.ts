/**
 * What a media link carries: which CC interface to stream and with which parameters, how to present
 * it, and until when. Minted by the GraphQL layer, verified and served by the media route.
 */
import type { VideoFileType } from '../cc/types.js';

export type LinkTarget =
  /** Stream a recording through playVoice with a CC-FS token (Playback.url). */
  | { kind: 'playVoice'; token: string; fileName: string }
  | { kind: 'downloadRecord'; fileName?: string; callId?: string; ccId?: string }
  | { kind: 'recordFileDownloadEx'; callId: string; hwFileName?: string; workNo?: string }
  | { kind: 'videoFileDownload'; conferenceId: string; recordId?: string; fileType: VideoFileType }
  | { kind: 'agentOprInfoFile'; fileName: string };

export type Disposition = 'inline' | 'attachment';

export interface MintRequest {
  target: LinkTarget;
  disposition: Disposition;
  /** The name the file is saved under (Content-Disposition); the route may fix its extension. */
  fileName: string;
  ttlSeconds: number;
  /** A hard upper bound for the expiry (e.g. a CC token's own expiry). */
  notAfter?: Date;
  /** The end user who minted the link, for audit events. */
  subject?: string;
}

export interface MintedLink {
  url: string;
  expiresAt: Date;
  fileName: string;
}

export interface LinkMinter {
  mint(request: MintRequest): MintedLink;
}
