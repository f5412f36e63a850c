import { describe, expect, it } from '@jest/globals';
import { CcError } from '../../src/cc/cc-error.js';
import { LinkRejected } from '../../src/media/link-token.js';
import { mediaErrorFor } from '../../src/media/media-errors.js';

describe('mediaErrorFor', () => {
  it.each([
    [new LinkRejected('invalid'), 403, 'MEDIA_LINK_INVALID', false],
    [new LinkRejected('expired'), 410, 'MEDIA_LINK_EXPIRED', false],
    [new CcError('not_found', 'x', { code: '0300011' }), 404, 'CC_FILE_NOT_FOUND', false],
    [new CcError('flow_control', 'x', { code: '0300008' }), 503, 'CC_FLOW_CONTROL', true],
    [new CcError('unavailable', 'unreachable'), 503, 'CC_UNAVAILABLE', true],
    [new CcError('unavailable', 'HTTP 500', { httpStatus: 500, code: 'HTTP_500' }), 502, 'CC_UNAVAILABLE', false],
    [new CcError('unauthorized', 'HTTP 401', { httpStatus: 401, code: 'HTTP_401' }), 502, 'CC_UNAUTHORIZED', false],
    [new CcError('unauthorized', 'token', { code: '010107' }), 410, 'CC_PLAYBACK_TOKEN_EXPIRED', false],
    [new CcError('bad_parameter', 'x', { code: '0300001' }), 502, 'CC_ERROR', false],
    [new CcError('other', 'x', { code: '0300099' }), 502, 'CC_ERROR', false],
    [new CcError('not_configured', 'x'), 503, 'CC_GATEWAY_NOT_CONFIGURED', false],
    [new Error('bug'), 500, 'INTERNAL_ERROR', false],
  ])('%s → %i %s', (error, status, code, retryAfter) => {
    const answer = mediaErrorFor(error);
    expect(answer.status).toBe(status);
    expect(answer.code).toBe(code);
    expect(answer.retryAfter !== undefined).toBe(retryAfter);
  });

  it('keeps the CC result code but never the upstream message', () => {
    const answer = mediaErrorFor(new CcError('other', 'CC-FS answered 0300099: secret detail', { code: '0300099' }));
    expect(answer.ccResultCode).toBe('0300099');
    expect(answer.message).not.toContain('secret');
  });
});
