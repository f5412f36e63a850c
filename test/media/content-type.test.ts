import { describe, expect, it } from '@jest/globals';
import contentDisposition from 'content-disposition';
import { baseName, mediaTypeFromName, presentMedia, sniffMediaType } from '../../src/media/content-type.js';
import { contentDispositionHeader } from '../../src/media/content-disposition.js';

const RIFF_WAVE = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0x08, 0, 0]), Buffer.from('WAVEfmt ')]);
const MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypisom'), Buffer.alloc(8)]);
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(12)]);
const EMPTY_ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]);
const OTHER = Buffer.from('hello, world, this is text');

describe('content type', () => {
  it.each([
    ['2022318.V3', 'audio/wav'],
    ['Y:\\1\\0\\20180309\\108\\2022318.v3', 'audio/wav'],
    ['a/b/call.WAV', 'audio/wav'],
    ['1642329.mp4', 'video/mp4'],
    ['20180702_9239cb50a8384bb0ab503441bf089446.zip', 'application/zip'],
    ['rows.csv', 'text/csv'],
    ['noextension', undefined],
    ['.wav', undefined],
    ['file.bin', undefined],
  ])('from the name %s', (name, expected) => {
    expect(mediaTypeFromName(name)).toBe(expected);
  });

  it('sniffs RIFF/WAVE, ftyp and zip, and nothing else', () => {
    expect(sniffMediaType(RIFF_WAVE)).toBe('audio/wav');
    expect(sniffMediaType(MP4)).toBe('video/mp4');
    expect(sniffMediaType(ZIP)).toBe('application/zip');
    expect(sniffMediaType(EMPTY_ZIP)).toBe('application/zip');
    expect(sniffMediaType(OTHER)).toBeUndefined();
    expect(sniffMediaType(Buffer.from('RIFF'))).toBeUndefined();
    expect(sniffMediaType(Buffer.alloc(0))).toBeUndefined();
  });

  it('takes the base name of CC paths in either slash form', () => {
    expect(baseName('Y:\\1\\0\\20180309\\108\\2022318.V3')).toBe('2022318.V3');
    expect(baseName('Y:/1/0/20180309/108/2022318.V3')).toBe('2022318.V3');
    expect(baseName('plain.wav')).toBe('plain.wav');
  });

  it('lets the bytes win and fixes the extension when they contradict the name', () => {
    expect(presentMedia('1527581215-1234.wav', ZIP)).toEqual({ contentType: 'application/zip', fileName: '1527581215-1234.zip' });
    expect(presentMedia('1527581215-1234.zip', RIFF_WAVE)).toEqual({ contentType: 'audio/wav', fileName: '1527581215-1234.wav' });
    expect(presentMedia('1527581215-1234', ZIP)).toEqual({ contentType: 'application/zip', fileName: '1527581215-1234.zip' });
  });

  it('keeps a name that agrees with the bytes, and the name when the bytes say nothing', () => {
    expect(presentMedia('Y:/1/0/20180309/108/2022318.V3', RIFF_WAVE)).toEqual({ contentType: 'audio/wav', fileName: '2022318.V3' });
    expect(presentMedia('video.mp4', MP4)).toEqual({ contentType: 'video/mp4', fileName: 'video.mp4' });
    expect(presentMedia('video.mp4', OTHER)).toEqual({ contentType: 'video/mp4', fileName: 'video.mp4' });
    expect(presentMedia('video.mp4', Buffer.alloc(0))).toEqual({ contentType: 'video/mp4', fileName: 'video.mp4' });
    expect(presentMedia('mystery.bin', OTHER)).toEqual({ contentType: 'application/octet-stream', fileName: 'mystery.bin' });
  });
});

describe('Content-Disposition', () => {
  it('is inline for play and attachment for download, with the base name', () => {
    expect(contentDispositionHeader('inline', 'Y:\\1\\0\\20180309\\108\\2022318.V3')).toBe('inline; filename="2022318.V3"');
    expect(contentDispositionHeader('attachment', 'video.mp4')).toBe('attachment; filename="video.mp4"');
  });

  it('carries a non-Latin name as RFC 5987 filename* with an ISO-8859-1 fallback', () => {
    const header = contentDispositionHeader('attachment', '录音 "1".wav');
    expect(header).toContain("filename*=UTF-8''%E5%BD%95%E9%9F%B3%20%221%22.wav");
    expect(header).toContain('filename="?? \\"1\\".wav"');
    expect(contentDisposition.parse(header).parameters.filename).toBe('录音 "1".wav');
  });

  it('never lets a control character into the header', () => {
    const header = contentDispositionHeader('attachment', 'a\r\nSet-Cookie: x.wav');
    expect(header).not.toMatch(/[\r\n]/);
  });
});
