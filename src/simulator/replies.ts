/**
 * The answers the platform gives, as data: CC-FS JSON envelopes, playVoice errors, CC-Gateway
 * retcode JSON, Spring Boot error JSON, and file bodies with optional Range.
 */
import { STATUS_CODES } from 'node:http';
import parseRange from 'range-parser';
import type { ByteRange, ContentSource } from './content-source.js';

export interface FileBody {
  source: ContentSource;
  range?: ByteRange;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer | FileBody;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';
/** CC-FS file bodies, and (sic) playVoice's JSON errors. */
export const CCFS_BINARY_TYPE = 'application/octet-stream;charset=UTF-8';
export const GATEWAY_BINARY_TYPE = 'application/octet-stream;charset=utf-8';

export function jsonReply(status: number, value: unknown, contentType = JSON_TYPE): Reply {
  return { status, headers: { 'Content-Type': contentType }, body: Buffer.from(JSON.stringify(value), 'utf8') };
}

/** Spring Boot's default error body (401 bad signature, 403 IP locked, 404, 405, injected 5xx). */
export function springError(status: number, path: string, nowMs: number, message = 'No message available'): Reply {
  return jsonReply(status, { timestamp: nowMs, status, error: STATUS_CODES[status] ?? 'Error', message, path });
}

/** CC-FS result texts (docs/cc-platform.md §3); `{param}` is filled in. */
const CCFS_TEXTS: Record<string, string> = {
  '0': 'success',
  '0300001': 'The value of {param} cannot be null.',
  '0300002': 'The value of {param} cannot be an empty string.',
  '0300003': 'The length of {param} is too long.',
  '0300004': 'The format of {param} is incorrect.',
  '0300005': 'The length of {param} is too short.',
  '0300006': 'The value of version is error, current version is {param}.',
  '0300007': 'The params of requestBody is null.',
  '0300008': 'Reached the download flow control threshold, please try again later.',
  '0300009': 'Reached the query flow control threshold, please try again later.',
  '0300010': 'The date in the value of fileName is in an incorrect format.',
  '0300011': 'The file does not exist.',
  '0300012': 'No data found.',
};

export function ccfsText(code: string, param = ''): string {
  return (CCFS_TEXTS[code] ?? 'Unknown error.').replace('{param}', param);
}

/** The CC-FS JSON envelope, with the legacy `response` object. */
export function ccfsEnvelope(code: string, desc: string, resultData: unknown): Record<string, unknown> {
  return { resultData, resultCode: code, resultDesc: desc, response: { version: '2.0', resultCode: code, resultMsg: desc } };
}

/**
 * A CC-FS failure (HTTP 200). Download pages leave `resultData` "empty" (we send ""); the
 * requestPlayVoice page says null. Clients must accept both.
 */
export function ccfsError(code: string, param = '', resultData: '' | null = null, desc?: string): Reply {
  return jsonReply(200, ccfsEnvelope(code, desc ?? ccfsText(code, param), resultData));
}

/** playVoice's own family: JSON error labelled application/octet-stream (documented example). */
export function playVoiceError(code: string, desc: string): Reply {
  return jsonReply(200, { resultData: null, resultCode: code, resultDesc: desc }, CCFS_BINARY_TYPE);
}

export function gatewayReply(retcode: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return jsonReply(200, { message, retcode, ...extra });
}

/** CC-Gateway retcode texts (docs/cc-platform.md §6.5; the 108 block is our assumption). */
const GATEWAY_TEXTS: Record<string, string> = {
  '000-002': 'parameter is invalid',
  '000-003': 'no right to invite resource',
  '000-005': 'the inspected agent is the inspector himself',
  '000-007': 'the interface is called repeatedly',
  '100-001': 'sign-in parameters are empty or invalid',
  '100-002': 'the agent has signed in',
  '100-004': 'the username or password is wrong',
  '100-006': 'the agent has not signed in',
  '108-001': 'the file does not exist',
};

export function gatewayError(retcode: string, message?: string): Reply {
  return gatewayReply(retcode, message ?? GATEWAY_TEXTS[retcode] ?? 'error', { result: '' });
}

/** A single satisfiable `bytes=` range, or undefined (⇒ the whole file with 200). */
export function singleRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined || size === 0) return undefined;
  const ranges = parseRange(size, header, { combine: false });
  if (!Array.isArray(ranges) || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  const [range] = ranges;
  return range ? { start: range.start, end: range.end } : undefined;
}

export function fileReply(source: ContentSource, contentType: string, rangeHeader: string | undefined, honourRange: boolean): Reply {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  if (honourRange) headers['Accept-Ranges'] = 'bytes';
  const range = honourRange ? singleRange(rangeHeader, source.size) : undefined;
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end}/${source.size}`;
    return { status: 206, headers, body: { source, range } };
  }
  return { status: 200, headers, body: { source } };
}

export function bodyLength(body: Reply['body']): number {
  if (Buffer.isBuffer(body)) return body.length;
  return body.range ? body.range.end - body.range.start + 1 : body.source.size;
}
