import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import unzipper from 'unzipper';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { AGENT_OPR_COLUMNS } from '../../src/simulator/agent-opr-csv.js';
import { bytesOf, ccfsJson, ccfsPost, envelope, playVoiceUrl, requestToken, wavFormat } from './helpers.js';
import { signAuthV2, utcSeconds } from './test-signer.js';
import { request } from 'node:http';

const now = Date.now();
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ clock: () => now });
});
afterAll(async () => {
  await sim.close();
});

async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const directory = await unzipper.Open.buffer(bytes);
  const files = new Map<string, Buffer>();
  for (const file of directory.files) files.set(file.path, await file.buffer());
  return files;
}

describe('CC-FS requestPlayVoice → playVoice', () => {
  it('returns a 32-hex token in the documented envelope, and playVoice streams the A-law WAV', async () => {
    const fileName = sim.samples.recordings[7] ?? '';
    const json = await ccfsJson(sim, 'requestPlayVoice', { fileName });
    expect(json).toMatchObject({ resultCode: '0', resultDesc: 'success', response: { version: '2.0', resultCode: '0', resultMsg: 'success' } });
    const token = (json['resultData'] as { token: string }).token;
    expect(token).toMatch(/^[0-9A-F]{32}$/);

    const res = await fetch(playVoiceUrl(sim, token));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream;charset=UTF-8');
    const bytes = await bytesOf(res);
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(wavFormat(bytes)).toEqual({ riff: 'RIFF', wave: 'WAVE', formatTag: 6, channels: 1, sampleRate: 8000, bits: 8 });
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    const seconds = (bytes.length - 58) / 8000;
    expect(seconds).toBeGreaterThanOrEqual(3);
    expect(seconds).toBeLessThanOrEqual(8);
    expect(bytes.equals(await sim.fileBytes(fileName))).toBe(true);
  });

  it('reuses a token until it expires, then answers 010107 (JSON labelled binary)', async () => {
    let clock = Date.now();
    const own = await startSimulator({ clock: () => clock });
    try {
      const token = await requestToken(own, own.samples.recordings[1] ?? '');
      expect((await bytesOf(await fetch(playVoiceUrl(own, token)))).subarray(0, 4).toString()).toBe('RIFF');
      clock += 30 * 60_000 - 1;
      expect((await bytesOf(await fetch(playVoiceUrl(own, token)))).subarray(0, 4).toString()).toBe('RIFF');
      clock += 1;
      const res = await fetch(playVoiceUrl(own, token));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream;charset=UTF-8');
      expect(await res.json()).toEqual({ resultData: null, resultCode: '010107', resultDesc: 'Parameter token is invalid or expired.' });
    } finally {
      await own.close();
    }
  });

  it('answers 010106 for an empty token', async () => {
    const res = await fetch(`${sim.url}/CCFS/resource/ccfs/playVoice?t=1&version=2.0&st=`);
    expect(await res.json()).toEqual({ resultData: null, resultCode: '010106', resultDesc: 'Parameter token is empty.' });
  });

  it('serves a single Range as 206 with Content-Range', async () => {
    const fileName = sim.samples.recordings[3] ?? '';
    const token = await requestToken(sim, fileName);
    const whole = await sim.fileBytes(fileName);
    const res = await fetch(playVoiceUrl(sim, token), { headers: { range: 'bytes=100-1099' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${whole.length}`);
    expect((await bytesOf(res)).equals(whole.subarray(100, 1100))).toBe(true);
    const suffix = await fetch(playVoiceUrl(sim, token), { headers: { range: 'bytes=-10' } });
    expect(suffix.status).toBe(206);
    expect((await bytesOf(suffix)).equals(whole.subarray(whole.length - 10))).toBe(true);
    const multi = await fetch(playVoiceUrl(sim, token), { headers: { range: 'bytes=0-1,5-6' } });
    expect(multi.status).toBe(200);
    expect((await bytesOf(multi)).length).toBe(whole.length);
  });
});

describe('CC-FS auth-v2', () => {
  it('rejects a wrong secret with 401 and the Spring error body', async () => {
    const res = await ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }, { secretKey: 'wrong' });
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ timestamp: now, status: 401, error: 'Unauthorized', message: 'No message available', path: '/CCFS/resource/ccfs/requestPlayVoice' });
  });

  it('accepts host-only signatures and millisecond timestamps; rejects skew and tampering', async () => {
    const fileName = sim.samples.recordings[0];
    expect((await ccfsJson(sim, 'requestPlayVoice', { fileName }, { signedHeaders: ['host'] }))['resultCode']).toBe('0');
    expect((await ccfsJson(sim, 'requestPlayVoice', { fileName }, { timestamp: new Date(now).toISOString() }))['resultCode']).toBe('0');
    const stale = await ccfsPost(sim, 'requestPlayVoice', { fileName }, { timestamp: utcSeconds(new Date(now - 16 * 60_000)) });
    expect(stale.status).toBe(401);
    const otherType = await ccfsPost(sim, 'requestPlayVoice', { fileName }, { tamper: (h) => void (h['content-type'] = 'application/json; charset=UTF-8') });
    expect(otherType.status).toBe(401);
    // fetch always sends the real Host, so a signature over another Host goes through node:http.
    const body = envelope({ fileName });
    const headers = { host: 'example.com:1', 'content-type': 'application/json;charset=UTF-8', 'content-length': String(body.length) };
    const authorization = signAuthV2({ ...sim.credentials, method: 'POST', path: '/CCFS/resource/ccfs/requestPlayVoice', headers, body });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${sim.url}/CCFS/resource/ccfs/requestPlayVoice`, { method: 'POST', headers: { ...headers, host: new URL(sim.url).host, authorization } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(401);
    const noAuth = await ccfsPost(sim, 'requestPlayVoice', { fileName }, { tamper: (h) => void delete h['authorization'] });
    expect(noAuth.status).toBe(401);
  });

  it('locks the IP with 403 after more than 20 failures within a minute, for a minute', async () => {
    let clock = Date.now();
    const own = await startSimulator({ clock: () => clock });
    try {
      const fileName = own.samples.recordings[0];
      const statuses: number[] = [];
      for (let i = 0; i < 21; i += 1) statuses.push((await ccfsPost(own, 'requestPlayVoice', { fileName }, { secretKey: 'bad' })).status);
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses[20]).toBe(403);
      const locked = await ccfsPost(own, 'requestPlayVoice', { fileName });
      expect(locked.status).toBe(403);
      expect(await locked.json()).toMatchObject({ status: 403, error: 'Forbidden', path: '/CCFS/resource/ccfs/requestPlayVoice' });
      expect(own.counters.authFailures).toBe(22);
      clock += 60_001;
      const timestamp = utcSeconds(new Date(clock));
      expect((await ccfsPost(own, 'requestPlayVoice', { fileName }, { timestamp })).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('refuses a file of another developer account with 401', async () => {
    const res = await ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.foreignRecording });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ status: 401, error: 'Unauthorized' });
    const foreign = sim.foreignCredentials;
    const own = await ccfsJson(sim, 'requestPlayVoice', { fileName: sim.samples.foreignRecording }, foreign);
    expect(own['resultCode']).toBe('0');
    const index = await ccfsPost(sim, 'downloadAgentOprInfoFile', { agentOprInfoFileName: sim.samples.foreignAgentOperationIndex });
    expect(index.status).toBe(401);
  });

  it('answers 415 for a body not declared as JSON', async () => {
    const res = await ccfsPost(sim, 'requestPlayVoice', { fileName: sim.samples.recordings[0] }, { contentType: 'text/plain' });
    expect(res.status).toBe(415);
  });
});

describe('CC-FS result codes', () => {
  const long = (n: number): string => 'x'.repeat(n);
  // Every row has five entries: jest treats a shorter row as a done-callback test.
  const cases: Array<[string, string, unknown, string, string | undefined]> = [
    ['requestPlayVoice', 'null fileName', {}, '0300001', 'The value of fileName cannot be null.'],
    ['requestPlayVoice', 'empty fileName', { fileName: '' }, '0300002', 'The value of fileName cannot be an empty string.'],
    ['requestPlayVoice', 'fileName over 225', { fileName: long(226) }, '0300003', 'The length of fileName is too long.'],
    ['requestPlayVoice', 'fileName not a string', { fileName: 12 }, '0300004', undefined],
    ['requestPlayVoice', 'bad date part', { fileName: 'Y:/1/0/20261131/101/1000000.V3' }, '0300010', undefined],
    ['requestPlayVoice', 'missing file', { fileName: 'Y:/1/0/20261120/101/999.V3' }, '0300011', 'The file does not exist.'],
    ['requestPlayVoice', 'backslashes not converted', { fileName: 'Y:\\1\\0\\20261120\\101\\1000000.V3' }, '0300011', undefined],
    ['downloadRecord', 'neither fileName nor callId', {}, '0300001', undefined],
    ['downloadRecord', 'callId over 25', { callId: long(26) }, '0300003', 'The length of callId is too long.'],
    ['downloadRecord', 'ccId over 64', { callId: '1-1', ccId: long(65) }, '0300003', undefined],
    ['downloadRecord', 'unknown call', { callId: '1700000000-1' }, '0300012', 'No data found.'],
    ['downloadRecord', 'unknown file', { fileName: 'Y:/1/0/20261120/101/1.V3' }, '0300011', undefined],
    ['downloadAgentOprInfoFile', 'null name', {}, '0300001', undefined],
    ['downloadAgentOprInfoFile', 'name over 49', { agentOprInfoFileName: `20261120_${long(37)}.zip` }, '0300003', undefined],
    ['downloadAgentOprInfoFile', 'name too short', { agentOprInfoFileName: '20261120_.zip' }, '0300005', undefined],
    ['downloadAgentOprInfoFile', 'not yyyyMMdd_id.zip', { agentOprInfoFileName: 'index-20261120.zip' }, '0300004', undefined],
    ['downloadAgentOprInfoFile', 'bad date', { agentOprInfoFileName: '20261399_9239cb50a8384bb0ab503441bf089446.zip' }, '0300010', undefined],
    ['downloadAgentOprInfoFile', 'unknown index', { agentOprInfoFileName: '20261120_00000000000000000000000000000000.zip' }, '0300011', undefined],
  ];
  it.each(cases)('%s: %s ⇒ %s', async (endpoint, _what, msgBody, code, desc) => {
    const res = await ccfsPost(sim, endpoint, msgBody);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const json = (await res.json()) as Record<string, unknown>;
    expect(json['resultCode']).toBe(code);
    expect(json['response']).toMatchObject({ version: '2.0', resultCode: code });
    expect(json['resultData']).toBe(endpoint === 'requestPlayVoice' ? null : '');
    if (desc) expect(json['resultDesc']).toBe(desc);
  });

  it('checks the envelope: 0300007 no body, 0300006 version, 0300002 empty version, 0300001 no msgBody', async () => {
    const code = async (rawBody: string): Promise<unknown> => (await ccfsJson(sim, 'downloadRecord', null, { rawBody }))['resultCode'];
    expect(await code('')).toBe('0300007');
    expect(await code('{"request":{"version":"1.0"},"msgBody":{"callId":"1"}}')).toBe('0300006');
    expect((await ccfsJson(sim, 'downloadRecord', null, { rawBody: '{"request":{"version":"1.0"},"msgBody":{}}' }))['resultDesc']).toBe(
      'The value of version is error, current version is 2.0.',
    );
    expect(await code('{"request":{"version":""},"msgBody":{"callId":"1"}}')).toBe('0300002');
    expect(await code('{"msgBody":{"callId":"1"}}')).toBe('0300001');
    expect(await code('{"request":{"version":"2.0"}}')).toBe('0300001');
  });
});

describe('CC-FS downloads', () => {
  it('downloadRecord by fileName streams the WAV with Content-Length', async () => {
    const fileName = sim.samples.recordings[10] ?? '';
    const res = await ccfsPost(sim, 'downloadRecord', { fileName, ccId: '1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream;charset=UTF-8');
    const bytes = await bytesOf(res);
    expect(bytes.equals(await sim.fileBytes(fileName))).toBe(true);
  });

  it('downloadRecord by a one-recording callId sends the WAV, by a three-recording callId a zip of three WAVs', async () => {
    const single = await bytesOf(await ccfsPost(sim, 'downloadRecord', { callId: sim.samples.singleRecordingCallId }));
    expect(wavFormat(single).formatTag).toBe(6);

    const res = await ccfsPost(sim, 'downloadRecord', { callId: sim.samples.multiRecordingCallId });
    const zip = await bytesOf(res);
    expect(Number(res.headers.get('content-length'))).toBe(zip.length);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const files = await unzip(zip);
    expect([...files.keys()]).toEqual(sim.samples.multiRecordingFileNames.map((f) => `${f.split('/').pop()?.replace('.V3', '')}.wav`));
    for (const [index, content] of [...files.values()].entries()) {
      expect(wavFormat(content).formatTag).toBe(6);
      expect(content.equals(await sim.fileBytes(sim.samples.multiRecordingFileNames[index] ?? ''))).toBe(true);
    }
    // The same package again, and a Range of it, are byte-identical.
    const part = await ccfsPost(sim, 'downloadRecord', { callId: sim.samples.multiRecordingCallId }, { range: 'bytes=1000-40999' });
    expect(part.status).toBe(206);
    expect((await bytesOf(part)).equals(zip.subarray(1000, 41000))).toBe(true);
  });

  it('downloadRecord with a fileName that is not of the given call ⇒ 0300012', async () => {
    const json = await ccfsJson(sim, 'downloadRecord', { fileName: sim.samples.recordings[20], callId: sim.samples.multiRecordingCallId });
    expect(json['resultCode']).toBe('0300012');
  });

  it('downloadAgentOprInfoFile: day one has one 21-column CSV without header; day two two CSVs with header', async () => {
    const [dayOne, dayTwo] = sim.samples.agentOperationIndexes;
    const one = await unzip(await bytesOf(await ccfsPost(sim, 'downloadAgentOprInfoFile', { agentOprInfoFileName: dayOne })));
    const oneSample = sim.samples.agentOperationRows[dayOne ?? ''];
    expect([...one.keys()]).toEqual(oneSample?.csvNames);
    const lines = (one.get(oneSample?.csvNames[0] ?? '')?.toString('utf8') ?? '').trimEnd().split('\n');
    expect(lines.length).toBe(oneSample?.totalRows);
    expect(lines.length).toBeGreaterThanOrEqual(250);
    for (const line of lines) expect(line.split(',')).toHaveLength(21);
    const first = lines[0]?.split(',') ?? [];
    expect(first[0]).toBe(oneSample?.firstRow.id);
    expect(first[7]).toBe(oneSample?.firstRow.beginTimeLocal);
    expect(first[7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const opTypes = new Set(lines.map((l) => Number(l.split(',')[9])));
    for (const op of [0, 1, 2, 3, 4, 26, 27, 47, 52]) expect(opTypes.has(op)).toBe(true);
    const talking = lines.map((l) => l.split(',')).filter((f) => f[9] === '4');
    expect(talking.every((f) => (f[6] ?? '') !== '')).toBe(true);
    expect(talking.some((f) => f[6] === sim.samples.multiRecordingCallId)).toBe(true);

    const two = await unzip(await bytesOf(await ccfsPost(sim, 'downloadAgentOprInfoFile', { agentOprInfoFileName: dayTwo })));
    const twoSample = sim.samples.agentOperationRows[dayTwo ?? ''];
    expect([...two.keys()]).toEqual(twoSample?.csvNames);
    let rows = 0;
    for (const csv of two.values()) {
      const csvLines = csv.toString('utf8').trimEnd().split('\n');
      expect(csvLines[0]).toBe(AGENT_OPR_COLUMNS.join(','));
      rows += csvLines.length - 1;
    }
    expect(rows).toBe(twoSample?.totalRows);
  });

  it('formats CSV times in the configured time zone', async () => {
    const shanghai = await startSimulator({ timeZone: 'Asia/Shanghai' });
    try {
      const name = shanghai.samples.agentOperationIndexes[0] ?? '';
      const sample = shanghai.samples.agentOperationRows[name];
      expect(sample?.firstRow.beginTimeUtc).toBe('2026-11-20T00:30:00Z');
      expect(sample?.firstRow.beginTimeLocal).toBe('2026-11-20 08:30:00');
      const files = await unzip(await bytesOf(await ccfsPost(shanghai, 'downloadAgentOprInfoFile', { agentOprInfoFileName: name })));
      const firstLine = [...files.values()][0]?.toString('utf8').split('\n')[0] ?? '';
      expect(firstLine.split(',')[7]).toBe('2026-11-20 08:30:00');
    } finally {
      await shanghai.close();
    }
  });

  it('streams files added with addFile, by name and as part of a call', async () => {
    sim.addFile('Y:/1/0/20261120/101/7777777.V3', { size: 5000, kind: 'bytes', callId: 'added-call-1' });
    sim.addFile('Y:/1/0/20261120/101/7777778.V3', { size: 9000, kind: 'wav', callId: 'added-call-1' });
    const bytes = await bytesOf(await ccfsPost(sim, 'downloadRecord', { fileName: 'Y:/1/0/20261120/101/7777777.V3' }));
    expect(bytes.length).toBe(5000);
    expect(bytes.equals(await sim.fileBytes('Y:/1/0/20261120/101/7777777.V3'))).toBe(true);
    const files = await unzip(await bytesOf(await ccfsPost(sim, 'downloadRecord', { callId: 'added-call-1' })));
    expect([...files.values()].map((b) => b.length)).toEqual([5000, 9000]);
  });
});
