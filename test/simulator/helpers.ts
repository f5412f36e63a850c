/** Small HTTP helpers for the simulator's tests (global fetch, real sockets). */
import type { Simulator } from '../../src/simulator/simulator.js';
import { signAuthV2, type SignInput } from './test-signer.js';

export interface CcfsPostOptions {
  accessKey?: string;
  secretKey?: string;
  /** Replace the JSON envelope with this exact body. */
  rawBody?: string;
  contentType?: string;
  timestamp?: string;
  signedHeaders?: string[];
  range?: string;
  /** Change the request after signing (tamper tests). */
  tamper?: (headers: Record<string, string>) => void;
  signal?: AbortSignal;
}

export function envelope(msgBody: unknown): string {
  return JSON.stringify({ request: { version: '2.0' }, msgBody });
}

export async function ccfsPost(sim: Simulator, name: string, msgBody: unknown, options: CcfsPostOptions = {}): Promise<Response> {
  const body = options.rawBody ?? envelope(msgBody);
  const path = `/CCFS/resource/ccfs/${name}`;
  const headers: Record<string, string> = {
    host: new URL(sim.url).host,
    'content-type': options.contentType ?? 'application/json;charset=UTF-8',
    'content-length': String(Buffer.byteLength(body)),
  };
  const input: SignInput = {
    accessKey: options.accessKey ?? sim.credentials.accessKey,
    secretKey: options.secretKey ?? sim.credentials.secretKey,
    method: 'POST',
    path,
    headers,
    body,
  };
  if (options.timestamp !== undefined) input.timestamp = options.timestamp;
  if (options.signedHeaders !== undefined) input.signedHeaders = options.signedHeaders;
  const sent: Record<string, string> = { ...headers, authorization: signAuthV2(input) };
  if (options.range !== undefined) sent['range'] = options.range;
  options.tamper?.(sent);
  const init: RequestInit = { method: 'POST', headers: sent, body };
  if (options.signal) init.signal = options.signal;
  return fetch(`${sim.url}${path}`, init);
}

export async function ccfsJson(sim: Simulator, name: string, msgBody: unknown, options: CcfsPostOptions = {}): Promise<Record<string, unknown>> {
  const res = await ccfsPost(sim, name, msgBody, options);
  return (await res.json()) as Record<string, unknown>;
}

export async function requestToken(sim: Simulator, fileName: string): Promise<string> {
  const json = await ccfsJson(sim, 'requestPlayVoice', { fileName });
  const data = json['resultData'] as { token?: string } | null;
  if (!data?.token) throw new Error(`no token: ${JSON.stringify(json)}`);
  return data.token;
}

export function playVoiceUrl(sim: Simulator, token: string): string {
  return `${sim.url}/CCFS/resource/ccfs/playVoice?t=${Date.now()}&version=2.0&st=${encodeURIComponent(token)}`;
}

export const GW = '/agentgateway/resource';

export async function gatewayCall(
  sim: Simulator,
  method: string,
  path: string,
  options: { guid?: string; body?: unknown; range?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
  if (options.guid !== undefined) headers['guid'] = options.guid;
  if (options.range !== undefined) headers['range'] = options.range;
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  return fetch(`${sim.url}${GW}${path}`, init);
}

/** The Guid from `Set-GUID: JSESSIONID=<guid>`. */
export function guidFrom(res: Response): string | undefined {
  const header = res.headers.get('set-guid');
  return header?.startsWith('JSESSIONID=') ? header.slice('JSESSIONID='.length) : undefined;
}

export async function signIn(sim: Simulator, force = false): Promise<string> {
  const res = await gatewayCall(sim, 'PUT', `/onlineagent/${sim.credentials.agentId}${force ? '/forcelogin' : ''}`, {
    body: { password: sim.credentials.password, phonenum: sim.credentials.phone, status: '4', releasephone: 'false', agenttype: '4' },
  });
  const json = (await res.json()) as { retcode: string };
  const guid = guidFrom(res);
  if (json.retcode !== '0' || guid === undefined) throw new Error(`sign-in failed: ${JSON.stringify(json)}`);
  return guid;
}

export async function bytesOf(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/** fmt fields of a RIFF/WAVE file. */
export function wavFormat(bytes: Buffer): { riff: string; wave: string; formatTag: number; channels: number; sampleRate: number; bits: number } {
  return {
    riff: bytes.subarray(0, 4).toString('ascii'),
    wave: bytes.subarray(8, 12).toString('ascii'),
    formatTag: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    bits: bytes.readUInt16LE(34),
  };
}
