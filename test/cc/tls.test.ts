/**
 * HTTPS to the CC servers with an extra CA (CC_TLS_CA_FILE) and a verification name
 * (CC_TLS_SERVERNAME): a throwaway CA and a server certificate for `cc.test` only (no IP), made
 * with openssl, so that both settings are needed to reach https://127.0.0.1:PORT.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CcError } from '../../src/cc/cc-error.js';
import { createCcClients } from '../../src/cc/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/simulator.js';
import { simulatorConfig } from '../support/env.js';
import { readAll } from '../support/streams.js';
import { RETRYING_TEST_TUNING } from '../support/tuning.js';

let dir: string;
let sim: Simulator;
let caFile: string;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cc-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=CC test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=cc.test');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:cc.test\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  caFile = join(dir, 'ca.pem');
  sim = await startSimulator({
    tls: { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
    pollWaitMs: 200,
  });
});

afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => 'resolved',
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CcError);
  return (error as CcError).kind;
}

describe('HTTPS with an extra CA', () => {
  it('serves https URLs', () => {
    expect(sim.ccfsBaseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+/);
  });

  it('reaches CC-FS and CC-Gateway with the CA file and the server name', async () => {
    const clients = createCcClients(simulatorConfig(sim, { CC_TLS_CA_FILE: caFile, CC_TLS_SERVERNAME: 'cc.test' }), {
      tuning: RETRYING_TEST_TUNING,
    });
    try {
      const grant = await clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!);
      const audio = await clients.ccfs.playVoice(grant.token);
      expect((await readAll(audio.stream)).subarray(0, 4).toString('latin1')).toBe('RIFF');
      const video = await clients.gateway!.videoFileDownload({ ...sim.samples.conference, fileType: 0 });
      expect((await readAll(video.stream)).subarray(4, 8).toString('latin1')).toBe('ftyp');
    } finally {
      await clients.close();
    }
  });

  it('fails as unavailable without the CA (verification is always on)', async () => {
    const clients = createCcClients(simulatorConfig(sim, { CC_TLS_SERVERNAME: 'cc.test' }), {
      tuning: { ...RETRYING_TEST_TUNING, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    try {
      expect(await kindOf(clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!))).toBe('unavailable');
      expect(await kindOf(clients.ccfs.downloadRecord({ fileName: sim.samples.recordings[0]! }))).toBe('unavailable');
    } finally {
      await clients.close();
    }
  });

  it('fails as unavailable when the certificate does not name the host and no server name is set', async () => {
    const clients = createCcClients(simulatorConfig(sim, { CC_TLS_CA_FILE: caFile }), {
      tuning: { ...RETRYING_TEST_TUNING, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    try {
      expect(await kindOf(clients.ccfs.requestPlayVoice(sim.samples.recordings[0]!))).toBe('unavailable');
    } finally {
      await clients.close();
    }
  });
});
