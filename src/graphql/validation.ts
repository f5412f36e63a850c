/**
 * Every input rule of the contract (§1), checked before any upstream call. Each function returns the
 * value to use or throws BAD_USER_INPUT naming the argument; messages state the rule and never echo
 * the value (it may be long or hold control characters).
 */
import type { Config } from '../config.js';
import { badUserInput } from './errors.js';
import { parseIndexFileName, type IndexFileName } from '../cc/files/index-file-name.js';
import { decodeOffsetCursor } from './paging/cursor.js';

/** Upper bounds in characters (UTF-16 units, as the platform's Java side counts). */
export const INPUT_LIMITS = {
  /** CC-FS downloadRecord / requestPlayVoice `fileName` String(1-225). */
  fileName: 225,
  /** CC-FS `callId` String(1-25). */
  callId: 25,
  /** CC-FS `ccId` String(1-64). */
  ccId: 64,
  /** MCU ids are UUIDs (36 characters); leave room. */
  conferenceId: 64,
  recordId: 64,
  /** A recorder path such as `Y:/90/0/20210519/4977/1642329.mp4`. */
  hwFileName: 255,
  /** Agent ids are 101–999999; agentId filters of the CC-FS are String(1-20). */
  workNo: 20,
  agentId: 20,
  /** caller_no / callee_no filters: the CDR's caller_no is String(1-26); leave room. */
  phoneNumber: 32,
  /** Our own cursors are short. */
  cursor: 64,
  /** File names per `recordings` query. */
  fileNamesPerQuery: 1000,
} as const;

export const PAGE_SIZE = { default: 100, min: 1, max: 1000 } as const;

// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

function hasDotDotSegment(value: string): boolean {
  return value.includes('..') && value.split(/[/\\]/).some((segment) => segment === '..');
}

/** The common rule for every name and id: 1..max characters, no control character, no `..` segment. */
export function requireName(value: string, argumentName: string, max: number): string {
  if (value.length === 0) throw badUserInput(`${argumentName} must not be empty.`, argumentName);
  if (value.length > max) throw badUserInput(`${argumentName} must be at most ${max} characters.`, argumentName);
  if (CONTROL_CHARACTER.test(value)) throw badUserInput(`${argumentName} must not contain control characters.`, argumentName);
  if (hasDotDotSegment(value)) throw badUserInput(`${argumentName} must not contain a '..' path segment.`, argumentName);
  return value;
}

function optionalName(value: string | null | undefined, argumentName: string, max: number): string | undefined {
  return value === null || value === undefined ? undefined : requireName(value, argumentName, max);
}

export function requireRecordingFileName(value: string, argumentName = 'fileName'): string {
  return requireName(value, argumentName, INPUT_LIMITS.fileName);
}

export function requireRecordingFileNames(values: readonly string[], argumentName = 'fileNames'): string[] {
  if (values.length > INPUT_LIMITS.fileNamesPerQuery) {
    throw badUserInput(`${argumentName} must hold at most ${INPUT_LIMITS.fileNamesPerQuery} names.`, argumentName);
  }
  return values.map((value, index) => requireRecordingFileName(value, `${argumentName}[${index}]`));
}

export function requireCallId(value: string, argumentName = 'callId'): string {
  return requireName(value, argumentName, INPUT_LIMITS.callId);
}

export function optionalCallId(value: string | null | undefined, argumentName = 'callId'): string | undefined {
  return optionalName(value, argumentName, INPUT_LIMITS.callId);
}

export function optionalCcId(value: string | null | undefined): string | undefined {
  return optionalName(value, 'ccId', INPUT_LIMITS.ccId);
}

export function requireConferenceId(value: string): string {
  return requireName(value, 'conferenceId', INPUT_LIMITS.conferenceId);
}

export function requireRecordId(value: string): string {
  return requireName(value, 'recordId', INPUT_LIMITS.recordId);
}

export function requireHwFileName(value: string): string {
  return requireName(value, 'hwFileName', INPUT_LIMITS.hwFileName);
}

export function optionalWorkNo(value: string | null | undefined): string | undefined {
  return optionalName(value, 'workNo', INPUT_LIMITS.workNo);
}

export function optionalAgentId(value: string | null | undefined): string | undefined {
  return optionalName(value, 'agentId', INPUT_LIMITS.agentId);
}

export function optionalPhoneNumber(value: string | null | undefined, argumentName: string): string | undefined {
  return optionalName(value, argumentName, INPUT_LIMITS.phoneNumber);
}

/** `yyyyMMdd_{responseId}.zip` with a real calendar date. */
export function requireIndexFileName(value: string, argumentName = 'fileName'): IndexFileName {
  requireName(value, argumentName, INPUT_LIMITS.fileName);
  const parsed = parseIndexFileName(value);
  if (parsed === undefined) {
    throw badUserInput(
      `${argumentName} must be an agent operation index name yyyyMMdd_{responseId}.zip (a valid date, a responseId of 1–40 letters or digits).`,
      argumentName,
    );
  }
  return parsed;
}

/** The lifetime of a minted link: the configured default, or 1..MEDIA_LINK_MAX_TTL_SECONDS. */
export function linkTtlSeconds(value: number | null | undefined, config: Pick<Config, 'mediaLinkTtlSeconds' | 'mediaLinkMaxTtlSeconds'>): number {
  if (value === null || value === undefined) return config.mediaLinkTtlSeconds;
  if (!Number.isInteger(value) || value < 1 || value > config.mediaLinkMaxTtlSeconds) {
    throw badUserInput(`expiresInSeconds must be from 1 to ${config.mediaLinkMaxTtlSeconds}.`, 'expiresInSeconds');
  }
  return value;
}

export function pageSize(value: number | null | undefined): number {
  if (value === null || value === undefined) return PAGE_SIZE.default;
  if (!Number.isInteger(value) || value < PAGE_SIZE.min || value > PAGE_SIZE.max) {
    throw badUserInput(`first must be from ${PAGE_SIZE.min} to ${PAGE_SIZE.max}.`, 'first');
  }
  return value;
}

/** The row offset a page starts at: 0, or the one named by an `after` cursor. */
export function pageStart(after: string | null | undefined): number {
  if (after === null || after === undefined) return 0;
  const offset = after.length <= INPUT_LIMITS.cursor ? decodeOffsetCursor(after) : undefined;
  if (offset === undefined) throw badUserInput('after must be an endCursor returned by this field.', 'after');
  return offset;
}
