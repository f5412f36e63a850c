/**
 * Headless Chromium plays what the media route serves: a Playback.url (playVoice, G.711 A-law WAV
 * as the platform records it) in <audio>, seeking to the middle, and an MCU video in <video>.
 *
 * Outside CI, a machine without /usr/bin/chromium skips this file and says why; with CI=true it
 * always runs (and fails if Chromium is missing).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startMediaHarness, type MediaHarness } from './media-harness.js';

/**
 * The few DOM members the page functions use. They run in the browser; declaring them here keeps the
 * project's `lib` free of DOM types (which would change the types of every Node file).
 */
interface MediaElement {
  src: string;
  muted: boolean;
  preload: string;
  playsInline: boolean;
  duration: number;
  currentTime: number;
  paused: boolean;
  ended: boolean;
  videoWidth: number;
  videoHeight: number;
  error: { code: number; message: string } | null;
  play(): Promise<void>;
  addEventListener(name: string, listener: () => void, options?: { once: boolean }): void;
}
declare const document: {
  createElement(tag: 'audio' | 'video'): MediaElement;
  body: { appendChild(element: MediaElement): void };
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const required = process.env.CI === 'true';
const present = existsSync(CHROMIUM);
if (!present && !required) {
  console.warn(`browser.test.ts skipped: ${CHROMIUM} is missing (install the Debian package "chromium"; CI=true makes this test mandatory)`);
}
const describeInBrowser = present || required ? describe : describe.skip;

/** 10 minutes of 8 kHz mono A-law: big enough that Chromium seeks with a Range request. */
const LONG_RECORDING = 'Y:/9/0/20260101/100/long-call.V3';
const LONG_SECONDS = 600;
const WAV_HEADER = 58;

describeInBrowser('media links in a browser', () => {
  let h: MediaHarness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await startMediaHarness();
    h.sim.addFile(LONG_RECORDING, { size: WAV_HEADER + 8000 * LONG_SECONDS, kind: 'wav' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    page = await browser.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('plays a Playback.url (playVoice) in <audio>, seeks to the middle and keeps playing', async () => {
    const grant = await h.clients.ccfs.requestPlayVoice(LONG_RECORDING);
    const url = h.mint({
      target: { kind: 'playVoice', token: grant.token, fileName: LONG_RECORDING },
      disposition: 'inline',
      fileName: 'long-call.V3',
      notAfter: grant.expiresAt,
    });
    // What the browser gets is the platform's G.711 A-law WAV (format tag 6), not a transcoded copy.
    const header = Buffer.from(await (await fetch(url, { headers: { Range: 'bytes=0-63' } })).arrayBuffer());
    expect(header.toString('latin1', 8, 12)).toBe('WAVE');
    expect(header.readUInt16LE(20)).toBe(6);
    const linesBefore = h.logLines.length;
    const result = await page.evaluate(async (src) => {
      const audio = document.createElement('audio');
      audio.muted = true;
      audio.preload = 'auto';
      document.body.appendChild(audio);
      const failed = () => new Error(`media error ${audio.error?.code ?? '?'}: ${audio.error?.message ?? ''}`);
      const once = (name: string) =>
        new Promise<void>((resolve, reject) => {
          audio.addEventListener(name, () => resolve(), { once: true });
          audio.addEventListener('error', () => reject(failed()), { once: true });
        });
      const canPlay = once('canplay');
      audio.src = src;
      await canPlay;
      const duration = audio.duration;
      await audio.play();
      const seeked = once('seeked');
      audio.currentTime = duration / 2;
      await seeked;
      const afterSeek = audio.currentTime;
      // Wait (up to 10 s) for playback to move on from the seek target.
      const deadline = Date.now() + 10_000;
      while (audio.currentTime < afterSeek + 0.5 && Date.now() < deadline && !audio.error) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { duration, afterSeek, later: audio.currentTime, paused: audio.paused, error: audio.error?.code ?? null };
    }, url);

    expect(result.error).toBeNull();
    expect(result.duration).toBeCloseTo(LONG_SECONDS, 0);
    expect(result.afterSeek).toBeGreaterThan(LONG_SECONDS / 2 - 5);
    expect(result.later).toBeGreaterThan(result.afterSeek + 0.4);
    expect(result.paused).toBe(false);
    // The seek far into the file went through a Range request on the same link.
    const events = h.logLines.slice(linesBefore).map((line) => JSON.parse(line) as { event?: string; action?: string; target?: string });
    expect(events.some((e) => e.event === 'media.access' && e.action === 'range' && e.target === 'playVoice')).toBe(true);
  });

  it('plays an MCU video link in <video>', async () => {
    const { conferenceId, recordId } = h.sim.samples.conference;
    const url = h.mint({ target: { kind: 'videoFileDownload', conferenceId, recordId, fileType: 0 }, disposition: 'inline', fileName: 'conference.mp4' });
    const result = await page.evaluate(async (src) => {
      const video = document.createElement('video');
      video.muted = true;
      video.playsInline = true;
      document.body.appendChild(video);
      const canPlay = new Promise<void>((resolve, reject) => {
        video.addEventListener('canplay', () => resolve(), { once: true });
        video.addEventListener('error', () => reject(new Error(`media error ${video.error?.code ?? '?'}: ${video.error?.message ?? ''}`)), { once: true });
      });
      video.src = src;
      await canPlay;
      await video.play();
      const deadline = Date.now() + 10_000;
      while (video.currentTime < 0.2 && !video.ended && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { duration: video.duration, currentTime: video.currentTime, ended: video.ended, width: video.videoWidth, height: video.videoHeight };
    }, url);
    expect(result.duration).toBeGreaterThan(0);
    expect(result.width).toBeGreaterThan(0);
    expect(result.height).toBeGreaterThan(0);
    expect(result.currentTime > 0.2 || result.ended).toBe(true);
  });
});
