/**
 * The media route's failures before the first byte, each as one HTTP status and a JSON body
 * `{ "error": { "code", "message" } }`. Messages are fixed texts: nothing of the link, the call or
 * the platform's answer leaks into them.
 */
import { isCcError } from '../cc/cc-error.js';
import { LinkRejected } from './link-token.js';

export interface MediaErrorResponse {
  status: number;
  code: string;
  message: string;
  /** Seconds, for 503s that are worth retrying. */
  retryAfter?: number;
  /** The CC result code, when the platform gave one. */
  ccResultCode?: string;
}

const FLOW_CONTROL_RETRY_SECONDS = 5;
const UNREACHABLE_RETRY_SECONDS = 10;

export function mediaErrorFor(error: unknown): MediaErrorResponse {
  if (error instanceof LinkRejected) {
    return error.reason === 'expired'
      ? { status: 410, code: 'MEDIA_LINK_EXPIRED', message: 'This media link has expired; ask for a new one.' }
      : { status: 403, code: 'MEDIA_LINK_INVALID', message: 'This media link is not valid.' };
  }
  if (!isCcError(error)) {
    return { status: 500, code: 'INTERNAL_ERROR', message: 'The media could not be served.' };
  }
  const ccResultCode = error.code === undefined ? {} : { ccResultCode: error.code };
  switch (error.kind) {
    case 'not_found':
      return { status: 404, code: 'CC_FILE_NOT_FOUND', message: 'The CC platform has no such file.', ...ccResultCode };
    case 'flow_control':
      return {
        status: 503,
        code: 'CC_FLOW_CONTROL',
        message: 'The CC platform is throttling requests; retry later.',
        retryAfter: FLOW_CONTROL_RETRY_SECONDS,
        ...ccResultCode,
      };
    case 'unauthorized':
      // playVoice's 0101xx family (010106 aside, a bad parameter): the CC token inside the link is
      // no longer accepted. Like an expired link, only a fresh link helps.
      if (error.code !== undefined && /^0101\d\d$/.test(error.code)) {
        return { status: 410, code: 'CC_PLAYBACK_TOKEN_EXPIRED', message: 'The playback grant of this link is no longer accepted; ask for a new link.', ...ccResultCode };
      }
      return { status: 502, code: 'CC_UNAUTHORIZED', message: 'The CC platform refused this subgraph.', ...ccResultCode };
    case 'unavailable':
      // The platform answered with a failure (HTTP 5xx) → it failed; no answer at all → unreachable.
      return error.httpStatus === undefined
        ? {
            status: 503,
            code: 'CC_UNAVAILABLE',
            message: 'The CC platform cannot be reached; retry later.',
            retryAfter: UNREACHABLE_RETRY_SECONDS,
          }
        : { status: 502, code: 'CC_UNAVAILABLE', message: 'The CC platform failed.', ...ccResultCode };
    case 'not_configured':
      return { status: 503, code: 'CC_GATEWAY_NOT_CONFIGURED', message: 'No CC-Gateway is configured on this subgraph.' };
    case 'unreadable_file':
      return { status: 502, code: 'CC_FILE_UNREADABLE', message: 'The file the CC platform delivered could not be read.' };
    case 'bad_parameter':
    case 'other':
      return { status: 502, code: 'CC_ERROR', message: 'The CC platform refused the request.', ...ccResultCode };
  }
}

export function rangeNotSatisfiable(): MediaErrorResponse {
  return { status: 416, code: 'RANGE_NOT_SATISFIABLE', message: 'The requested range is outside the file.' };
}
