/**
 * One structured log event per use of a media link. It names the link by its random id and key id,
 * never by the token, the URL, a CC token, a Guid or a key.
 */
import type { Logger } from '../observability/logger.js';
import type { LinkTarget } from './link-target.js';

export type MediaAction = 'play' | 'download' | 'range';

export interface MediaAccessEvent {
  event: 'media.access';
  /** The HTTP request that used the link (its W3C trace id). */
  requestId: string | undefined;
  method: string;
  /** Undefined for a link that failed authentication. */
  action: MediaAction | undefined;
  /** The CC interface, e.g. playVoice or videoFileDownload. */
  target: LinkTarget['kind'] | undefined;
  linkId: string | undefined;
  kid: string | undefined;
  status: number;
  /** The error code of a JSON error answer, or why a started transfer broke off. */
  error?: string;
  /** For a CC failure, why (describeCcFailure, e.g. `CC-FS unavailable ECONNRESET`); never a secret or a name. */
  cause?: string;
  /** False when a transfer that had started broke off (upstream failure or client gone). */
  completed: boolean;
  bytesSent: number;
  durationMs: number;
  subject?: string;
}

export function auditMediaAccess(logger: Logger, event: MediaAccessEvent): void {
  // A transfer that broke off upstream is worth a look; a client that leaves is ordinary.
  const level = event.status >= 500 || event.error?.startsWith('UPSTREAM_') === true ? 'warn' : 'info';
  logger[level](event, 'media access');
}
