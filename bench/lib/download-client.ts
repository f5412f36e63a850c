/**
 * The downloading client of the streaming benchmark: it discards the bytes as fast as it can, so
 * the path under test (not the client) is what limits the rate. curl (C, `-o /dev/null`) when it is
 * installed, otherwise node's http.get counting 'data' chunks. The same client serves every path.
 */
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';

export interface DownloadResult {
  status: number;
  bytes: number;
  /** Milliseconds from the start of the request to the first body byte. */
  ttfbMs: number;
  totalMs: number;
}

const hasCurl = spawnSync('sh', ['-c', 'command -v curl'], { encoding: 'utf8' }).stdout.trim() !== '';

export const DOWNLOAD_CLIENT = hasCurl ? 'curl -o /dev/null' : 'node http.get (discarding reader)';

export interface DownloadOptions {
  /** Read no faster than this (a client on a slower link); curl only. */
  limitBytesPerSecond?: number;
}

/** Whether downloads can be rate-limited on this machine (curl's --limit-rate). */
export const CAN_LIMIT_RATE = hasCurl;

function curlDownload(url: string, options: DownloadOptions): Promise<DownloadResult> {
  return new Promise((resolve, reject) => {
    const limit = options.limitBytesPerSecond === undefined ? [] : ['--limit-rate', String(Math.round(options.limitBytesPerSecond))];
    const child = spawn(
      'curl',
      ['-s', ...limit, '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_starttransfer} %{time_total}', url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    // 'close', not 'exit': the -w line may still be in the stdout pipe when the process exits.
    child.once('close', (code) => {
      const [status, bytes, ttfb, total] = out.trim().split(' ').map(Number);
      if (code !== 0 && !(status && status > 0)) {
        reject(new Error(`curl exited ${code} for a download`));
        return;
      }
      resolve({ status: status!, bytes: bytes!, ttfbMs: ttfb! * 1000, totalMs: total! * 1000 });
    });
  });
}

function nodeDownload(url: string): Promise<DownloadResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttfb = Number.NaN;
    let bytes = 0;
    http
      .get(url, { agent: false }, (response) => {
        response.on('data', (chunk: Buffer) => {
          if (bytes === 0) ttfb = performance.now() - started;
          bytes += chunk.length;
        });
        response.once('end', () =>
          resolve({ status: response.statusCode ?? 0, bytes, ttfbMs: ttfb, totalMs: performance.now() - started }),
        );
        response.once('error', reject);
      })
      .once('error', reject);
  });
}

export function download(url: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  if (options.limitBytesPerSecond !== undefined && !hasCurl) throw new Error('rate-limited downloads need curl');
  return hasCurl ? curlDownload(url, options) : nodeDownload(url);
}

export interface ParallelResult {
  results: DownloadResult[];
  /** Wall time from the first request to the last byte, ms. */
  wallMs: number;
  /** Sum of bytes over wall time, MiB/s. */
  aggregateMiBps: number;
}

export async function downloadInParallel(urls: string[]): Promise<ParallelResult> {
  const started = performance.now();
  const results = await Promise.all(urls.map((url) => download(url)));
  const wallMs = performance.now() - started;
  const bytes = results.reduce((sum, r) => sum + r.bytes, 0);
  return { results, wallMs, aggregateMiBps: bytes / (1024 * 1024) / (wallMs / 1000) };
}
