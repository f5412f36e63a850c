/**
 * Every way the CC platform says "no" → one CcError (docs/cc-platform.md §2.4, §3, §4.2, §6.5).
 *
 * - CC-FS `resultCode` (in a 200 JSON body, also on downloads): `0` / `0100000` success.
 * - playVoice's own 6-digit family: `010106` token empty, other `0101xx` (e.g. `010107`) a token the
 *   platform no longer accepts. An expired or unknown token is `unauthorized` (code kept), never
 *   `not_found`: the file exists, the grant does not. Whoever caches tokens drops the token on any
 *   `0101xx`; the media route may answer 410 for code `010107` and 502 otherwise.
 * - CC-Gateway `retcode` (`0` success, `NNN-NNN` otherwise).
 * - HTTP status without a usable body, and socket errors / timeouts.
 */
import { CcError } from './cc-error.js';

export type Upstream = 'CC-FS' | 'CC-Gateway';

/** Gateway retcodes that mean "this Guid / session is no longer valid": sign in again once. */
export const SESSION_LOST_RETCODES: ReadonlySet<string> = new Set(['000-003', '100-006']);

const CCFS_SUCCESS = new Set(['0', '0100000']);
const CCFS_NOT_FOUND = new Set(['0300011', '0300012']);
const CCFS_FLOW_CONTROL = new Set(['0300008', '0300009']);
const CCFS_BAD_PARAMETER = new Set(['0300001', '0300002', '0300003', '0300004', '0300005', '0300006', '0300007', '0300010', '0300013', '010106']);

export function isCcfsSuccess(resultCode: string): boolean {
  return CCFS_SUCCESS.has(resultCode);
}

/** A CC-FS resultCode that is not success → CcError. */
export function ccfsResultError(resultCode: string, description: string | undefined, httpStatus?: number): CcError {
  const detail = description ? `: ${description}` : '';
  const message = `CC-FS answered ${resultCode}${detail}`;
  const options = { code: resultCode, httpStatus, upstream: 'CC-FS' };
  if (CCFS_NOT_FOUND.has(resultCode)) return new CcError('not_found', message, options);
  if (CCFS_FLOW_CONTROL.has(resultCode)) return new CcError('flow_control', message, options);
  if (CCFS_BAD_PARAMETER.has(resultCode)) return new CcError('bad_parameter', message, options);
  if (/^0101\d\d$/.test(resultCode)) return new CcError('unauthorized', message, options);
  return new CcError('other', message, options);
}

/** A CC-Gateway retcode that is not `0` → CcError. */
export function gatewayRetcodeError(retcode: string, description: string | undefined, httpStatus?: number): CcError {
  const detail = description ? `: ${description}` : '';
  const options = { code: retcode, httpStatus, upstream: 'CC-Gateway' };
  if (SESSION_LOST_RETCODES.has(retcode)) {
    return new CcError('unauthorized', `CC-Gateway refused the agent session (${retcode})${detail}`, options);
  }
  const message = `CC-Gateway answered ${retcode}${detail}`;
  switch (retcode) {
    case '000-002':
    case '000-006':
      return new CcError('bad_parameter', message, options);
    case '100-001':
    case '100-004':
    case '100-011':
    case '100-012':
    case '100-013':
    case '104-002':
      return new CcError('unauthorized', message, options);
    case '000-007': // "interface called repeatedly": the gateway's way of saying "slow down"
      return new CcError('flow_control', message, options);
    case '000-004': // agent being switched over
    case '100-003': // resource unavailable at sign-in
    case '100-007': // internal error
      return new CcError('unavailable', message, options);
    case '108-001': // assumption: the 108 table is unpublished; 108-001 is taken as "no such file"
      return new CcError('not_found', message, options);
    default:
      return new CcError('other', message, options);
  }
}

function stringField(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/**
 * A parsed JSON body → the CC error it carries, `undefined` when it reports success, or `null` when
 * it is not a CC answer at all (no resultCode / retcode).
 */
export function errorFromCcJson(body: unknown, httpStatus?: number): CcError | undefined | null {
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  const resultCode = stringField(record.resultCode);
  if (resultCode !== undefined) {
    return isCcfsSuccess(resultCode)
      ? undefined
      : ccfsResultError(resultCode, stringField(record.resultDesc), httpStatus);
  }
  const retcode = stringField(record.retcode);
  if (retcode !== undefined) {
    return retcode === '0' ? undefined : gatewayRetcodeError(retcode, stringField(record.message), httpStatus);
  }
  return null;
}

/** A non-2xx status → CcError; `body` (parsed JSON, if any) may carry a more precise CC code. */
export function httpStatusError(upstream: Upstream, statusCode: number, body?: unknown): CcError {
  if (statusCode === 401 || statusCode === 403) {
    const why = statusCode === 403 ? 'forbidden (IP locked after repeated bad signatures?)' : 'unauthorized (signature or credentials refused)';
    return new CcError('unauthorized', `${upstream} answered HTTP ${statusCode}: ${why}`, {
      code: `HTTP_${statusCode}`,
      httpStatus: statusCode,
      upstream,
    });
  }
  const fromBody = body === undefined ? null : errorFromCcJson(body, statusCode);
  if (fromBody) return fromBody;
  const options = { code: `HTTP_${statusCode}`, httpStatus: statusCode, upstream };
  if (statusCode === 429) return new CcError('flow_control', `${upstream} answered HTTP 429`, options);
  if (statusCode >= 500 || statusCode === 408) {
    return new CcError('unavailable', `${upstream} answered HTTP ${statusCode}`, options);
  }
  return new CcError('other', `${upstream} answered HTTP ${statusCode}`, options);
}

/** A socket error, TLS failure or timeout before an answer → CcError('unavailable'). */
export function transportError(upstream: Upstream, error: unknown): CcError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const isTimeout = error instanceof Error && error.name === 'TimeoutError';
  const what = isTimeout ? 'timed out' : 'unreachable';
  // Only the errno-style code is kept: got's errors carry the request options (Authorization, Guid)
  // and URLs (playVoice tokens), so they must not travel on as `cause` into logs.
  return new CcError('unavailable', `${upstream} ${what}${code ? ` (${code})` : ''}`, {
    upstream,
    reason: isTimeout ? `timeout${code ? ` ${code}` : ''}` : (code ?? 'no answer'),
  });
}

/** The body of a download that had started broke off (socket reset, fewer bytes than Content-Length). */
export function brokenStreamError(upstream: Upstream, error: unknown): CcError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  return new CcError('unavailable', `${upstream} download broke off before its end${code ? ` (${code})` : ''}`, {
    upstream,
    reason: `broke off${code ? ` ${code}` : ''}`,
  });
}
