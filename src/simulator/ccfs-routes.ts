/**
 * CC-FS: requestPlayVoice, playVoice, downloadRecord, downloadAgentOprInfoFile
 * (docs/cc-platform.md §3–§5, §8.2). auth-v2 on every call but playVoice; parameter
 * checks answer the result codes of §3 with HTTP 200; another developer's file ⇒ HTTP 401.
 */
import type { Catalog, RecordingFile } from './catalog.js';
import { verifyAuthV2 } from './auth-v2-verify.js';
import type { IpLock } from './ip-lock.js';
import type { PlayTokens } from './play-tokens.js';
import { singleHeader, type IncomingCall } from './incoming-call.js';
import {
  CCFS_BINARY_TYPE,
  ccfsEnvelope,
  ccfsError,
  fileReply,
  jsonReply,
  playVoiceError,
  springError,
  type Reply,
} from './replies.js';
import type { SimKnobs } from './types.js';

export interface CcfsContext {
  catalog: Catalog;
  tokens: PlayTokens;
  ipLock: IpLock;
  knobs: SimKnobs;
  clock: () => number;
  maxClockSkewMs: number;
  secretFor(accessKey: string): string | undefined;
  onAuthFailure(): void;
}

/** 401 / 403 reply, or the verified access key (the developer account, "appId"). */
export function authenticate(call: IncomingCall, ctx: CcfsContext): Reply | { accessKey: string } {
  const now = ctx.clock();
  if (ctx.ipLock.isLocked(call.ip, now)) {
    ctx.onAuthFailure();
    return springError(403, call.path, now);
  }
  const verdict = verifyAuthV2(
    { method: call.method, rawUrl: call.rawUrl, headers: call.headers, body: call.body },
    { secretFor: ctx.secretFor, nowMs: now, maxSkewMs: ctx.maxClockSkewMs },
  );
  if (verdict.ok) return { accessKey: verdict.accessKey };
  ctx.onAuthFailure();
  return springError(ctx.ipLock.recordFailure(call.ip, now) ? 403 : 401, call.path, now);
}

/** Spring answers 415 before the controller when the body is not declared as JSON. */
export function requireJsonBody(call: IncomingCall, ctx: CcfsContext): Reply | undefined {
  const type = singleHeader(call.headers, 'content-type') ?? '';
  if (call.body.length > 0 && !/^application\/json\s*(;|$)/i.test(type)) {
    return springError(415, call.path, ctx.clock(), `Content type '${type}' not supported`);
  }
  return undefined;
}

export type Checked<T> = { value: T } | { reply: Reply };

/** `{"request":{"version":"2.0"},"msgBody":{…}}` → msgBody, or the result code for what is wrong. */
export function readEnvelope(call: IncomingCall, resultData: '' | null, nowMs: number): Checked<Record<string, unknown>> {
  if (call.body.length === 0) return { reply: ccfsError('0300007', '', resultData) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.body.toString('utf8'));
  } catch {
    return { reply: springError(400, call.path, nowMs, 'JSON parse error') };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { reply: ccfsError('0300007', '', resultData) };
  const envelope = parsed as Record<string, unknown>;
  const request = envelope['request'];
  const version = typeof request === 'object' && request !== null ? (request as Record<string, unknown>)['version'] : undefined;
  const versionCheck = checkText({ version }, 'version', { required: true, max: 32 }, resultData);
  if ('reply' in versionCheck) return versionCheck;
  if (versionCheck.value !== '2.0') return { reply: ccfsError('0300006', '2.0', resultData) };
  const msgBody = envelope['msgBody'];
  if (msgBody === undefined || msgBody === null) return { reply: ccfsError('0300001', 'msgBody', resultData) };
  if (typeof msgBody !== 'object' || Array.isArray(msgBody)) return { reply: ccfsError('0300004', 'msgBody', resultData) };
  return { value: msgBody as Record<string, unknown> };
}

export interface TextRule {
  required: boolean;
  max: number;
  min?: number;
  pattern?: RegExp;
}

/** 0300001 null, 0300002 empty, 0300003 too long, 0300005 too short, 0300004 format. */
export function checkText(body: Record<string, unknown>, name: string, rule: TextRule, resultData: '' | null): Checked<string | undefined> {
  const value = body[name];
  if (value === undefined || value === null) return rule.required ? { reply: ccfsError('0300001', name, resultData) } : { value: undefined };
  if (typeof value !== 'string') return { reply: ccfsError('0300004', name, resultData) };
  if (value === '') return { reply: ccfsError('0300002', name, resultData) };
  if (value.length > rule.max) return { reply: ccfsError('0300003', name, resultData) };
  if (rule.min !== undefined && value.length < rule.min) return { reply: ccfsError('0300005', name, resultData) };
  if (rule.pattern && !rule.pattern.test(value)) return { reply: ccfsError('0300004', name, resultData) };
  return { value };
}

export function isCalendarDate(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** original_file_name `drive:/vdn/{0|1}/yyyymmdd/agent/name`: a bad date part ⇒ 0300010. */
function fileNameDateIsBad(fileName: string): boolean {
  const segments = fileName.split('/');
  return segments.length >= 5 && /^[A-Za-z]:$/.test(segments[0] ?? '') && !isCalendarDate(segments[3] ?? '');
}

function ownedBy(owner: string, accessKey: string): boolean {
  return owner === accessKey;
}

const FILE_NAME_MAX = 225;

export function requestPlayVoice(call: IncomingCall, accessKey: string, ctx: CcfsContext): Reply {
  const envelope = readEnvelope(call, null, ctx.clock());
  if ('reply' in envelope) return envelope.reply;
  const checked = checkText(envelope.value, 'fileName', { required: true, max: FILE_NAME_MAX }, null);
  if ('reply' in checked) return checked.reply;
  const fileName = checked.value ?? '';
  if (fileNameDateIsBad(fileName)) return ccfsError('0300010', '', null);
  const recording = ctx.catalog.recordings.get(fileName);
  if (!recording) return ccfsError('0300011', '', null);
  if (!ownedBy(recording.owner, accessKey)) return springError(401, call.path, ctx.clock());
  const token = ctx.tokens.issue(fileName, ctx.clock());
  return jsonReply(200, ccfsEnvelope('0', 'success', { token }));
}

/**
 * playVoice has its own 6-digit family; only 010106 (empty token) is documented. Our inventions:
 * 010101 `t` missing, 010102 `version` missing or not 2.0, 010107 unknown or expired token.
 */
export function playVoice(call: IncomingCall, ctx: CcfsContext): Reply {
  const token = call.query.get('st') ?? '';
  if (token === '') return playVoiceError('010106', 'Parameter token is empty.');
  if ((call.query.get('t') ?? '') === '') return playVoiceError('010101', 'Parameter t is empty.');
  if (call.query.get('version') !== '2.0') return playVoiceError('010102', 'Parameter version is invalid.');
  const fileName = ctx.tokens.resolve(token, ctx.clock());
  const recording = fileName === undefined ? undefined : ctx.catalog.recordings.get(fileName);
  if (!recording) return playVoiceError('010107', 'Parameter token is invalid or expired.');
  return fileReply(recording.source, CCFS_BINARY_TYPE, singleHeader(call.headers, 'range'), ctx.knobs.honourRange);
}

export function downloadRecord(call: IncomingCall, accessKey: string, ctx: CcfsContext): Reply {
  const envelope = readEnvelope(call, '', ctx.clock());
  if ('reply' in envelope) return envelope.reply;
  const body = envelope.value;
  const fileNameCheck = checkText(body, 'fileName', { required: false, max: FILE_NAME_MAX }, '');
  if ('reply' in fileNameCheck) return fileNameCheck.reply;
  const callIdCheck = checkText(body, 'callId', { required: false, max: 25 }, '');
  if ('reply' in callIdCheck) return callIdCheck.reply;
  const ccIdCheck = checkText(body, 'ccId', { required: false, max: 64 }, '');
  if ('reply' in ccIdCheck) return ccIdCheck.reply;
  const fileName = fileNameCheck.value;
  const callId = callIdCheck.value;
  const ccId = ccIdCheck.value ?? '1';
  const range = singleHeader(call.headers, 'range');

  if (fileName === undefined && callId === undefined) return ccfsError('0300001', 'fileName or callId', '');
  if (fileName !== undefined) {
    if (fileNameDateIsBad(fileName)) return ccfsError('0300010', '', '');
    const recording = ccId === '1' ? ctx.catalog.recordings.get(fileName) : undefined;
    if (!recording) return ccfsError('0300011', '', '');
    if (!ownedBy(recording.owner, accessKey)) return springError(401, call.path, ctx.clock());
    // Both given: the file must be a recording of that call (our reading of "fileName and/or callId").
    if (callId !== undefined && recording.callId !== callId) return ccfsError('0300012', '', '');
    return fileReply(recording.source, CCFS_BINARY_TYPE, range, ctx.knobs.honourRange);
  }
  const record = ccId === '1' && callId !== undefined ? ctx.catalog.calls.get(callId) : undefined;
  if (!record || record.recordings.length === 0) return ccfsError('0300012', '', '');
  if (!record.recordings.every((r: RecordingFile) => ownedBy(r.owner, accessKey))) return springError(401, call.path, ctx.clock());
  const [only] = record.recordings;
  const source = record.recordings.length === 1 && only ? only.source : ctx.catalog.callPackage(record);
  return fileReply(source, CCFS_BINARY_TYPE, range, ctx.knobs.honourRange);
}

/** `yyyyMMdd_{responseId}.zip`; shorter than the shortest such name ⇒ 0300005 (our choice). */
export const INDEX_NAME = /^(\d{8})_[0-9A-Za-z]+\.zip$/;

export function downloadAgentOprInfoFile(call: IncomingCall, accessKey: string, ctx: CcfsContext): Reply {
  const envelope = readEnvelope(call, '', ctx.clock());
  if ('reply' in envelope) return envelope.reply;
  const checked = checkText(envelope.value, 'agentOprInfoFileName', { required: true, max: 49, min: 14, pattern: INDEX_NAME }, '');
  if ('reply' in checked) return checked.reply;
  const fileName = checked.value ?? '';
  if (!isCalendarDate(fileName.slice(0, 8))) return ccfsError('0300010', '', '', 'The date in the value of agentOprInfoFileName is in an incorrect format.');
  const pack = ctx.catalog.indexes.get(fileName);
  // An index generated on request does not exist until it is ready.
  if (!pack || (pack.readyAtMs !== undefined && pack.readyAtMs > ctx.clock())) return ccfsError('0300011', '', '');
  if (!ownedBy(pack.owner, accessKey)) return springError(401, call.path, ctx.clock());
  return fileReply(pack.source, CCFS_BINARY_TYPE, singleHeader(call.headers, 'range'), ctx.knobs.honourRange);
}
