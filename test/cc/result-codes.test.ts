import { describe, expect, it } from '@jest/globals';
import {
  ccfsResultError,
  errorFromCcJson,
  gatewayRetcodeError,
  httpStatusError,
  isCcfsSuccess,
  transportError,
} from '../../src/cc/result-codes.js';

describe('CC-FS result codes', () => {
  it('treats 0 and 0100000 as success', () => {
    expect(isCcfsSuccess('0')).toBe(true);
    expect(isCcfsSuccess('0100000')).toBe(true);
    expect(isCcfsSuccess('0300011')).toBe(false);
    expect(errorFromCcJson({ resultCode: '0100000', resultData: {} })).toBeUndefined();
  });

  it.each([
    ['0300011', 'not_found', false],
    ['0300012', 'not_found', false],
    ['0300008', 'flow_control', true],
    ['0300009', 'flow_control', true],
    ['0300001', 'bad_parameter', false],
    ['0300004', 'bad_parameter', false],
    ['0300007', 'bad_parameter', false],
    ['0300010', 'bad_parameter', false],
    ['010106', 'bad_parameter', false],
    ['010107', 'unauthorized', false],
    ['0300099', 'other', false],
  ])('%s → %s', (code, kind, retryable) => {
    const error = ccfsResultError(code, 'desc');
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });
});

describe('CC-Gateway retcodes', () => {
  it.each([
    ['000-003', 'unauthorized'],
    ['100-006', 'unauthorized'],
    ['100-004', 'unauthorized'],
    ['000-002', 'bad_parameter'],
    ['108-001', 'not_found'],
    ['108-014', 'other'],
    ['100-007', 'unavailable'],
    ['000-007', 'flow_control'],
  ])('%s → %s', (code, kind) => {
    expect(gatewayRetcodeError(code, undefined).kind).toBe(kind);
    expect(gatewayRetcodeError(code, undefined).code).toBe(code);
  });

  it('reads retcode bodies, with "0" as success', () => {
    expect(errorFromCcJson({ retcode: '0', message: '' })).toBeUndefined();
    expect(errorFromCcJson({ retcode: '000-003', message: 'no right', result: '' })?.code).toBe('000-003');
    expect(errorFromCcJson({ timestamp: 1, status: 401 })).toBeNull();
  });
});

describe('HTTP status and transport failures', () => {
  it('maps 401 and 403 to unauthorized whatever the body says', () => {
    const body = { timestamp: 1532142010247, status: 403, error: 'Forbidden', message: 'No message available', path: '/x' };
    expect(httpStatusError('CC-FS', 401).kind).toBe('unauthorized');
    expect(httpStatusError('CC-FS', 401).code).toBe('HTTP_401');
    expect(httpStatusError('CC-FS', 403, body).code).toBe('HTTP_403');
    expect(httpStatusError('CC-FS', 403, body).httpStatus).toBe(403);
  });

  it('maps 5xx to unavailable (retryable) and prefers a CC code in the body', () => {
    expect(httpStatusError('CC-Gateway', 503).kind).toBe('unavailable');
    expect(httpStatusError('CC-Gateway', 503).retryable).toBe(true);
    expect(httpStatusError('CC-FS', 500, { resultCode: '0300011' }).kind).toBe('not_found');
    expect(httpStatusError('CC-FS', 404).kind).toBe('other');
  });

  it('maps socket errors and timeouts to unavailable without leaking the original error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED http://x/?st=SECRET'), { code: 'ECONNREFUSED' });
    const error = transportError('CC-FS', refused);
    expect(error.kind).toBe('unavailable');
    expect(error.message).toBe('CC-FS unreachable (ECONNREFUSED)');
    expect(error.cause).toBeUndefined();
    const timeout = Object.assign(new Error('Timeout'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(transportError('CC-Gateway', timeout).message).toBe('CC-Gateway timed out (ETIMEDOUT)');
  });
});
