import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import {
  INPUT_LIMITS,
  linkTtlSeconds,
  optionalAgentId,
  optionalCallId,
  optionalCcId,
  optionalWorkNo,
  pageSize,
  pageStart,
  requireCallId,
  requireConferenceId,
  requireHwFileName,
  requireIndexFileName,
  requireRecordId,
  requireRecordingFileName,
  requireRecordingFileNames,
} from '../../src/graphql/validation.js';
import { encodeOffsetCursor } from '../../src/graphql/paging/cursor.js';

function refusal(run: () => unknown): { code: unknown; argumentName: unknown; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    const graphQLError = error as GraphQLError;
    return { code: graphQLError.extensions.code, argumentName: graphQLError.extensions.argumentName, message: graphQLError.message };
  }
  throw new Error('expected a BAD_USER_INPUT refusal');
}

const config = { mediaLinkTtlSeconds: 900, mediaLinkMaxTtlSeconds: 3600 };

describe('name and id rules', () => {
  it.each([
    ['empty', ''],
    ['too long', 'Y:/' + 'a'.repeat(223)],
    ['a NUL', 'Y:/1/0/a\u0000.V3'],
    ['a newline', 'Y:/1/0/a\n.V3'],
    ['a DEL', 'Y:/1/0/a\u007f.V3'],
    ['a C1 control', 'Y:/1/0/a\u0085.V3'],
    ['a .. segment (slash)', 'Y:/1/../secret.V3'],
    ['a .. segment (backslash)', 'Y:\\1\\..\\secret.V3'],
    ['a leading .. segment', '../x.V3'],
  ])('refuses a recording fileName with %s', (_label, value) => {
    expect(refusal(() => requireRecordingFileName(value))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'fileName' });
  });

  it.each([['Y:/1/0/20180309/108/2022318.V3'], ['Y:\\1\\0\\20180309\\108\\2022318.V3'], ['a..b/c...V3'], ['x'.repeat(225)]])('accepts %s', (value) => {
    expect(requireRecordingFileName(value)).toBe(value);
  });

  it('names the offending list element and caps the list length', () => {
    expect(refusal(() => requireRecordingFileNames(['Y:/a.V3', '']))).toMatchObject({ argumentName: 'fileNames[1]' });
    const many = Array.from({ length: INPUT_LIMITS.fileNamesPerQuery + 1 }, (_, i) => `Y:/${i}.V3`);
    expect(refusal(() => requireRecordingFileNames(many))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'fileNames' });
    expect(requireRecordingFileNames(['Y:/a.V3', 'Y:\\a.V3'])).toEqual(['Y:/a.V3', 'Y:\\a.V3']);
  });

  it('limits callId to 25 characters', () => {
    expect(requireCallId('1'.repeat(25))).toHaveLength(25);
    expect(refusal(() => requireCallId('1'.repeat(26)))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'callId' });
    expect(refusal(() => requireCallId(''))).toMatchObject({ argumentName: 'callId' });
    expect(refusal(() => optionalCallId('..'))).toMatchObject({ argumentName: 'callId' });
    expect(optionalCallId(null)).toBeUndefined();
    expect(optionalCallId(undefined)).toBeUndefined();
  });

  it.each([
    ['ccId', () => optionalCcId('c'.repeat(65))],
    ['ccId', () => optionalCcId('')],
    ['conferenceId', () => requireConferenceId('c'.repeat(65))],
    ['conferenceId', () => requireConferenceId('a\tb')],
    ['recordId', () => requireRecordId('')],
    ['recordId', () => requireRecordId('../x')],
    ['hwFileName', () => requireHwFileName('Y:/' + 'v'.repeat(253))],
    ['hwFileName', () => requireHwFileName('Y:/90/../x.mp4')],
    ['workNo', () => optionalWorkNo('1'.repeat(21))],
    ['workNo', () => optionalWorkNo('12\r3')],
    ['agentId', () => optionalAgentId('1'.repeat(21))],
  ])('refuses a bad %s', (argumentName, run) => {
    expect(refusal(run)).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
  });

  it('accepts sane ids', () => {
    expect(optionalCcId('1')).toBe('1');
    expect(requireConferenceId('7a008307-34ad-435b-bccd-222be5ac5385')).toBe('7a008307-34ad-435b-bccd-222be5ac5385');
    expect(requireHwFileName('Y:/90/0/20210519/4977/1642329.mp4')).toBe('Y:/90/0/20210519/4977/1642329.mp4');
    expect(optionalWorkNo('4977')).toBe('4977');
    expect(optionalAgentId(undefined)).toBeUndefined();
  });

  it('never echoes the refused value', () => {
    const secretish = 'Y:/1/0/' + 'S3CR3T'.repeat(50);
    expect(refusal(() => requireRecordingFileName(secretish)).message).not.toContain('S3CR3T');
  });
});

describe('agent operation index names', () => {
  it('parses date and responseId', () => {
    expect(requireIndexFileName('20180702_9239cb50a8384bb0ab503441bf089446.zip')).toEqual({
      fileName: '20180702_9239cb50a8384bb0ab503441bf089446.zip',
      date: '2018-07-02',
      responseId: '9239cb50a8384bb0ab503441bf089446',
    });
    expect(requireIndexFileName('20240229_A.zip').date).toBe('2024-02-29');
  });

  it.each([
    ['no date', 'index.zip'],
    ['short date', '2018072_abc.zip'],
    ['Feb 30', '20180230_abc.zip'],
    ['Feb 29 in a common year', '20230229_abc.zip'],
    ['month 13', '20181301_abc.zip'],
    ['day 0', '20180700_abc.zip'],
    ['dashes in the responseId', '20180702_9239cb50-a838.zip'],
    ['empty responseId', '20180702_.zip'],
    ['a responseId over 40 characters', `20180702_${'a'.repeat(41)}.zip`],
    ['not a zip', '20180702_abc.csv'],
    ['a path', 'x/20180702_abc.zip'],
    ['a trailing newline', '20180702_abc.zip\n'],
    ['empty', ''],
  ])('refuses %s', (_label, value) => {
    expect(refusal(() => requireIndexFileName(value))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'fileName' });
  });
});

describe('numbers', () => {
  it('defaults and bounds expiresInSeconds', () => {
    expect(linkTtlSeconds(undefined, config)).toBe(900);
    expect(linkTtlSeconds(null, config)).toBe(900);
    expect(linkTtlSeconds(1, config)).toBe(1);
    expect(linkTtlSeconds(3600, config)).toBe(3600);
    for (const bad of [0, -1, 3601, 1.5]) {
      expect(refusal(() => linkTtlSeconds(bad, config))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'expiresInSeconds' });
    }
  });

  it('defaults and bounds first', () => {
    expect(pageSize(undefined)).toBe(100);
    expect(pageSize(null)).toBe(100);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(1000)).toBe(1000);
    for (const bad of [0, -5, 1001]) expect(refusal(() => pageSize(bad))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
  });

  it('accepts only our own cursors as after', () => {
    expect(pageStart(undefined)).toBe(0);
    expect(pageStart(encodeOffsetCursor(250))).toBe(250);
    for (const bad of ['', 'abc', '!!!', Buffer.from('op:-1').toString('base64url'), Buffer.from('op:01').toString('base64url'), 'x'.repeat(65)]) {
      expect(refusal(() => pageStart(bad))).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    }
  });
});
