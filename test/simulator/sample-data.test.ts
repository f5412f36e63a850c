import { describe, expect, it } from '@jest/globals';
import { ALAW_WAV_HEADER_SIZE, alawToLinear, alawWavHeader, linearToAlaw, sweepSignal, wavByteReader } from '../../src/simulator/alaw-wav.js';
import { AGENT_OPR_COLUMNS, OP_TYPE, formatAgentOprCsv, formatLocalTime, generateAgentDay } from '../../src/simulator/agent-opr-csv.js';
import { startSimulator } from '../../src/simulator/simulator.js';

describe('G.711 A-law', () => {
  // Reference values from CPython's audioop.lin2alaw / alaw2lin.
  const table: Array<[number, number, number]> = [
    [0, 0xd5, 8],
    [-1, 0x55, -8],
    [-9, 0x55, -8],
    [100, 0xd3, 104],
    [-100, 0x53, -104],
    [1000, 0xfa, 1008],
    [-1000, 0x7a, -1008],
    [4095, 0x9a, 4032],
    [12345, 0xbd, 12544],
    [32767, 0xaa, 32256],
    [-32768, 0x2a, -32256],
  ];
  it.each(table)('linear %i ⇒ A-law byte %i ⇒ linear %i', (linear, alaw, decoded) => {
    expect(linearToAlaw(linear)).toBe(alaw);
    expect(alawToLinear(alaw)).toBe(decoded);
  });

  it('writes a WAVE_FORMAT_ALAW header with a fact chunk', () => {
    const header = alawWavHeader(16_000, 2);
    expect(header.length).toBe(ALAW_WAV_HEADER_SIZE);
    expect(header.toString('ascii', 0, 4)).toBe('RIFF');
    expect(header.readUInt32LE(4)).toBe(ALAW_WAV_HEADER_SIZE - 8 + 16_000);
    expect(header.toString('ascii', 12, 16)).toBe('fmt ');
    expect(header.readUInt16LE(20)).toBe(6);
    expect(header.readUInt32LE(28)).toBe(16_000); // byte rate, 2 channels × 8000
    expect(header.toString('ascii', 38, 42)).toBe('fact');
    expect(header.readUInt32LE(46)).toBe(8_000);
    expect(header.toString('ascii', 50, 54)).toBe('data');
  });

  it('reads any byte range the same as the whole file', () => {
    const read = wavByteReader({ channels: 1, dataBytes: 24_000, signal: sweepSignal(300, 900, 3) });
    const whole = Buffer.alloc(ALAW_WAV_HEADER_SIZE + 24_000);
    read(0, whole);
    const part = Buffer.alloc(5000);
    read(40, part);
    expect(part.equals(whole.subarray(40, 5040))).toBe(true);
    // The sweep is audible: decoded samples reach a good fraction of the amplitude.
    const peak = Math.max(...[...whole.subarray(ALAW_WAV_HEADER_SIZE)].map((b) => Math.abs(alawToLinear(b))));
    expect(peak).toBeGreaterThan(6000);
  });
});

describe('agentOprInfo rows', () => {
  const rows = generateAgentDay({
    seed: 't',
    developerId: 'ak',
    accountId: 'acc',
    startMs: Date.UTC(2026, 10, 20, 0, 30),
    agents: ['101', '102'],
    rowsPerAgent: 30,
    callsByAgent: { '101': ['c-1', 'c-2'] },
    syntheticCallIdPrefix: 'syn',
  });

  it('follows a realistic op_type sequence per agent', () => {
    for (const agent of ['101', '102']) {
      const own = rows.filter((r) => r.agentId === agent);
      expect(own).toHaveLength(30);
      expect(own[0]?.opType).toBe(OP_TYPE.SIGN_IN);
      expect(own[own.length - 1]?.opType).toBe(OP_TYPE.SIGN_OUT);
      expect(own[own.length - 1]?.opCause).toBe('258');
      for (let i = 1; i < own.length; i += 1) expect(own[i]?.beginMs).toBe(own[i - 1]?.endMs);
      for (const [i, row] of own.entries()) {
        if (row.opType === OP_TYPE.TALKING) expect(own[i + 1]?.opType).toBe(OP_TYPE.WORK);
      }
    }
    const calls = rows.filter((r) => r.agentId === '101' && r.opType === OP_TYPE.TALKING).map((r) => r.callId);
    expect(calls.slice(0, 2)).toEqual(['c-1', 'c-2']);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  it('formats 21 columns, optional header row, local times', () => {
    const csv = formatAgentOprCsv(rows.slice(0, 3), 'Asia/Shanghai', true).trimEnd().split('\n');
    expect(csv[0]?.split(',')).toEqual([...AGENT_OPR_COLUMNS]);
    expect(csv[1]?.split(',')).toHaveLength(21);
    expect(formatLocalTime(Date.UTC(2026, 10, 20, 0, 30), 'Asia/Shanghai')).toBe('2026-11-20 08:30:00');
    expect(formatLocalTime(Date.UTC(2026, 10, 20, 23, 59, 59), 'UTC')).toBe('2026-11-20 23:59:59');
  });
});

describe('sample catalog', () => {
  it('is deterministic across starts and every recording differs', async () => {
    const [a, b] = await Promise.all([startSimulator(), startSimulator()]);
    try {
      expect(a.samples).toEqual(b.samples);
      expect(a.samples.recordings).toHaveLength(250);
      expect(a.samples.recordings.every((f) => /^Y:\/1\/0\/20261120\/10[1-5]\/1\d{6}\.V3$/.test(f))).toBe(true);
      const first = await a.fileBytes(a.samples.recordings[0] ?? '');
      expect(first.equals(await b.fileBytes(b.samples.recordings[0] ?? ''))).toBe(true);
      const heads = new Set<string>();
      for (const name of a.samples.recordings.slice(0, 12)) {
        const bytes = await a.fileBytes(name);
        heads.add(bytes.subarray(ALAW_WAV_HEADER_SIZE + 400, ALAW_WAV_HEADER_SIZE + 2400).toString('hex'));
        const seconds = (bytes.length - ALAW_WAV_HEADER_SIZE) / 8000;
        expect(seconds >= 3 && seconds <= 8).toBe(true);
      }
      expect(heads.size).toBe(12);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
