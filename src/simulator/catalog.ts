/**
 * The simulator's files: recordings and calls (CC-FS), call audio and videos (CC-Gateway), MCU
 * conference videos and agent-operation index packages. All deterministic; bytes are produced
 * on demand when served.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dualTrackSignal, sweepSignal, wavByteReader, wavFileSize, ALAW_WAV_HEADER_SIZE, SAMPLE_RATE, type WavSpec } from './alaw-wav.js';
import { bufferSource, generatedSource, type ContentSource } from './content-source.js';
import { storedZipSource, deflatedZip } from './zip.js';
import { formatAgentOprCsv, formatLocalTime, generateAgentDay, type AgentOprRow } from './agent-opr-csv.js';
import { sampleIndexRecords, type IndexRecord, type SampleRecording } from './record-index.js';
import type { AddFileSpec, AgentOperationIndexSample, IndexSpec, SampleIds } from './types.js';

export interface RecordingFile {
  /** original_file_name, slash form. */
  fileName: string;
  owner: string;
  callId: string | undefined;
  source: ContentSource;
}

export interface CallRecord {
  callId: string;
  recordings: RecordingFile[];
}

/** HD, SD and aux variants of one MCU recording (fileType 0, 1, 2). */
export type VideoVariants = readonly [ContentSource, ContentSource, ContentSource];

export interface IndexPackage {
  fileName: string;
  owner: string;
  source: ContentSource;
  /** Generated on request: not served before this instant. */
  readyAtMs?: number;
}

export interface CatalogOptions {
  accessKey: string;
  foreignAccessKey: string;
  /** The service agent (its id appears in the VoiceCyber video path). */
  agentId: string;
  timeZone: string;
  /** The recording index's calls began in the 21 hours before this instant. */
  nowMs: number;
}

const RECORDING_COUNT = 250;
const RECORDING_DATE = '20261120';
/** 2026-11-20T08:30:00Z, the epoch-seconds part of the sample call ids. */
const CALL_EPOCH_SECONDS = Date.UTC(2026, 10, 20, 8, 30, 0) / 1000;

const assetsDir = new URL('./assets/', import.meta.url);

function asset(name: string): ContentSource {
  return bufferSource(readFileSync(new URL(name, assetsDir)));
}

function hash32(text: string): number {
  return Number.parseInt(createHash('md5').update(text).digest('hex').slice(0, 8), 16);
}

function wavSource(spec: WavSpec): ContentSource {
  return generatedSource(wavFileSize(spec), wavByteReader(spec));
}

/** A sample recording: 3–8 s of a mono sweep whose range differs per file. */
function recordingWav(index: number): ContentSource {
  const seconds = 3 + (index % 6);
  const f0 = 300 + ((index * 53) % 700);
  const f1 = f0 + 200 + ((index * 31) % 600);
  return wavSource({ channels: 1, dataBytes: seconds * SAMPLE_RATE, signal: sweepSignal(f0, f1, seconds) });
}

/** VoiceCyber dual-track call audio: stereo A-law, caller left, agent right. */
function dualTrackWav(callId: string): ContentSource {
  const seed = hash32(callId);
  const seconds = 4 + (seed % 4);
  return wavSource({
    channels: 2,
    dataBytes: seconds * SAMPLE_RATE * 2,
    signal: dualTrackSignal(350 + (seed % 200), 600 + ((seed >>> 8) % 300)),
  });
}

/** A prime period, so the pattern does not align with power-of-two chunk boundaries. */
const PATTERN_PERIOD = 65_521;

/** The deterministic content of a synthetic 'bytes' file: `length` bytes from `offset`. */
export function syntheticBytes(fileName: string, offset: number, length: number): Buffer {
  return readPattern(patternFor(fileName), offset, Buffer.alloc(length));
}

function patternFor(fileName: string): Buffer {
  let state = hash32(fileName) || 1;
  const table = Buffer.alloc(PATTERN_PERIOD);
  for (let i = 0; i < table.length; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    table[i] = state & 0xff;
  }
  return table;
}

function readPattern(table: Buffer, offset: number, target: Buffer): Buffer {
  let written = 0;
  while (written < target.length) {
    const at = (offset + written) % table.length;
    written += table.copy(target, written, at, Math.min(table.length, at + target.length - written));
  }
  return target;
}

/** A synthetic file of any size: a looping 400 Hz A-law tone, or a byte pattern. */
export function syntheticSource(fileName: string, spec: AddFileSpec): ContentSource {
  if ((spec.kind ?? 'wav') === 'bytes') {
    const table = patternFor(fileName);
    return generatedSource(spec.size, (offset, target) => {
      readPattern(table, offset, target);
    });
  }
  if (spec.size < ALAW_WAV_HEADER_SIZE) throw new Error(`a wav needs at least ${ALAW_WAV_HEADER_SIZE} bytes`);
  return wavSource({
    channels: 1,
    dataBytes: spec.size - ALAW_WAV_HEADER_SIZE,
    // 400 whole cycles per 8000 samples: one second loops seamlessly.
    signal: (n) => 8000 * Math.sin((2 * Math.PI * 400 * n) / SAMPLE_RATE),
    periodBytes: SAMPLE_RATE,
  });
}

export class Catalog {
  readonly recordings = new Map<string, RecordingFile>();
  readonly calls = new Map<string, CallRecord>();
  /** callId → dual-track audio (recordfiledownloadEx without hwFileName). */
  readonly gatewayAudio = new Map<string, ContentSource>();
  /** `${callId}\n${hwFileName}` → video (recordfiledownloadEx with hwFileName). */
  readonly gatewayVideos = new Map<string, ContentSource>();
  /** conferenceId → recordId → variants, in recording order. */
  readonly conferences = new Map<string, Map<string, VideoVariants>>();
  readonly indexes = new Map<string, IndexPackage>();
  /** The recording index (queryBillData, dataType record), in call order. */
  readonly recordIndex: IndexRecord[] = [];
  private readonly callZips = new Map<string, ContentSource>();

  private constructor(readonly samples: SampleIds) {}

  /** The zip of a call with several recordings (built once; the stream is produced per download). */
  callPackage(call: CallRecord): ContentSource {
    let zip = this.callZips.get(call.callId);
    if (!zip) {
      const used = new Set<string>();
      zip = storedZipSource(
        call.recordings.map((recording) => {
          let name = `${recording.fileName.split('/').pop()?.replace(/\.[^.]*$/, '') ?? 'recording'}.wav`;
          while (used.has(name)) name = `_${name}`;
          used.add(name);
          return { name, source: recording.source };
        }),
      );
      this.callZips.set(call.callId, zip);
    }
    return zip;
  }

  addRecording(recording: RecordingFile): void {
    this.recordings.set(recording.fileName, recording);
    if (recording.callId === undefined) return;
    let call = this.calls.get(recording.callId);
    if (!call) {
      call = { callId: recording.callId, recordings: [] };
      this.calls.set(recording.callId, call);
    }
    call.recordings = call.recordings.filter((r) => r.fileName !== recording.fileName).concat(recording);
    this.callZips.delete(recording.callId);
    if (!this.gatewayAudio.has(recording.callId)) this.gatewayAudio.set(recording.callId, dualTrackWav(recording.callId));
  }

  /** A recording-index record for an added file (addFile with `index`). */
  addIndexRecord(fileName: string, callId: string, owner: string, spec: IndexSpec): void {
    const agentId = spec.agentId ?? '101';
    const [record] = sampleIndexRecords([{ fileName, callId, agentId, seconds: 1 }], owner, spec.beginMs);
    if (!record) return;
    this.recordIndex.push({
      ...record,
      beginMs: spec.beginMs,
      endMs: spec.endMs ?? spec.beginMs + 60_000,
      ...(spec.callerNo === undefined ? {} : { callerNo: spec.callerNo }),
      ...(spec.calleeNo === undefined ? {} : { calleeNo: spec.calleeNo }),
      ...(spec.callType === undefined ? {} : { callType: spec.callType }),
    });
  }

  static async build(options: CatalogOptions): Promise<Catalog> {
    const callId = (sequence: number): string => `${CALL_EPOCH_SECONDS}-${sequence}`;
    const multiRecordingCallId = callId(20000);
    const recordingNames: string[] = [];
    const pending: RecordingFile[] = [];
    const indexed: SampleRecording[] = [];
    const callsByAgent: Record<string, string[]> = {};
    for (let i = 0; i < RECORDING_COUNT; i += 1) {
      const agent = String(101 + (i % 5));
      const fileName = `Y:/1/0/${RECORDING_DATE}/${agent}/${1000000 + i}.V3`;
      // Recordings 0–2 are one call (transferred between agents 101–103); the others one call each.
      const call = i < 3 ? multiRecordingCallId : callId(20000 + i);
      recordingNames.push(fileName);
      pending.push({ fileName, owner: options.accessKey, callId: call, source: recordingWav(i) });
      indexed.push({ fileName, callId: call, agentId: agent, seconds: 3 + (i % 6) });
      const list = (callsByAgent[agent] ??= []);
      if (!list.includes(call)) list.push(call);
    }
    const foreignRecording = `Y:/1/0/${RECORDING_DATE}/106/2000000.V3`;
    pending.push({ fileName: foreignRecording, owner: options.foreignAccessKey, callId: callId(29999), source: recordingWav(9999) });

    const conference = { conferenceId: '7a008307-34ad-435b-bccd-222be5ac5385', recordId: '0a08082d-df1e-4c06-9a97-c7c6f7a4724e' };
    const gatewayVideoFileName = `Y:/90/0/${RECORDING_DATE}/${options.agentId}/1642329.mp4`;
    const hd = asset('mcu-hd.mp4');

    const indexes = await buildIndexes(options, callsByAgent);
    const samples: SampleIds = {
      recordings: recordingNames,
      foreignRecording,
      singleRecordingCallId: callId(20003),
      multiRecordingCallId,
      multiRecordingFileNames: recordingNames.slice(0, 3),
      unknownCallId: callId(1),
      conference,
      gatewayVideoFileName,
      gatewayVideoCallId: multiRecordingCallId,
      agentOperationIndexes: indexes.owned.map((p) => p.fileName),
      foreignAgentOperationIndex: indexes.foreign.fileName,
      agentOperationRows: indexes.samples,
    };

    const catalog = new Catalog(samples);
    for (const recording of pending) catalog.addRecording(recording);
    catalog.recordIndex.push(...sampleIndexRecords(indexed, options.accessKey, options.nowMs));
    catalog.gatewayVideos.set(`${multiRecordingCallId}\n${gatewayVideoFileName}`, hd);
    catalog.conferences.set(conference.conferenceId, new Map([[conference.recordId, [hd, asset('mcu-sd.mp4'), asset('mcu-aux.mp4')] as const]]));
    for (const pack of [...indexes.owned, indexes.foreign]) catalog.indexes.set(pack.fileName, pack);
    return catalog;
  }
}

function summarize(fileName: string, csvNames: string[], hasHeaderRow: boolean, rows: AgentOprRow[], timeZone: string): AgentOperationIndexSample {
  const rowsPerAgent: Record<string, number> = {};
  const callIds: string[] = [];
  for (const row of rows) {
    rowsPerAgent[row.agentId] = (rowsPerAgent[row.agentId] ?? 0) + 1;
    if (row.callId !== '' && !callIds.includes(row.callId)) callIds.push(row.callId);
  }
  const first = rows[0];
  if (!first) throw new Error('empty agent-operation sample');
  return {
    fileName,
    csvNames,
    hasHeaderRow,
    totalRows: rows.length,
    rowsPerAgent,
    callIds,
    firstRow: {
      id: first.id,
      agentId: first.agentId,
      opType: first.opType,
      beginTimeUtc: new Date(first.beginMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      beginTimeLocal: formatLocalTime(first.beginMs, timeZone),
    },
  };
}

async function buildIndexes(
  options: CatalogOptions,
  callsByAgent: Record<string, string[]>,
): Promise<{ owned: IndexPackage[]; foreign: IndexPackage; samples: Record<string, AgentOperationIndexSample> }> {
  const agents = ['101', '102', '103', '104', '105'];
  const common = { developerId: options.accessKey, accountId: '202611200001', agents };
  const samples: Record<string, AgentOperationIndexSample> = {};

  // Day one: one CSV, no header row, ~300 rows, call ids of the sample recordings.
  const dayOneName = '20261120_9239cb50a8384bb0ab503441bf089446.zip';
  const dayOneCsv = '20261120083000123456_agentOprInfo.csv';
  const dayOne = generateAgentDay({
    ...common,
    seed: dayOneName,
    startMs: Date.UTC(2026, 10, 20, 0, 30, 0),
    rowsPerAgent: 60,
    callsByAgent,
    syntheticCallIdPrefix: String(CALL_EPOCH_SECONDS),
  });
  samples[dayOneName] = summarize(dayOneName, [dayOneCsv], false, dayOne, options.timeZone);

  // Day two: the rows split over two numbered CSVs, each with a header row.
  const dayTwoName = '20261121_4f1c2d3e5a6b47c8b9d0e1f2a3b4c5d6.zip';
  const dayTwoCsv = ['20261121083000654321_agentOprInfo_1.csv', '20261121083000654321_agentOprInfo_2.csv'];
  const dayTwo = generateAgentDay({
    ...common,
    seed: dayTwoName,
    startMs: Date.UTC(2026, 10, 21, 0, 30, 0),
    rowsPerAgent: 40,
    callsByAgent: {},
    syntheticCallIdPrefix: String(CALL_EPOCH_SECONDS + 86_400),
  });
  const half = Math.ceil(dayTwo.length / 2);
  samples[dayTwoName] = summarize(dayTwoName, dayTwoCsv, true, dayTwo, options.timeZone);

  const foreignName = '20261122_0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a.zip';
  const foreignRows = generateAgentDay({
    ...common,
    developerId: options.foreignAccessKey,
    agents: ['106'],
    seed: foreignName,
    startMs: Date.UTC(2026, 10, 22, 0, 30, 0),
    rowsPerAgent: 10,
    callsByAgent: {},
    syntheticCallIdPrefix: String(CALL_EPOCH_SECONDS + 2 * 86_400),
  });

  const csv = (rows: AgentOprRow[], header: boolean): Buffer => Buffer.from(formatAgentOprCsv(rows, options.timeZone, header), 'utf8');
  const owned: IndexPackage[] = [
    { fileName: dayOneName, owner: options.accessKey, source: await deflatedZip([{ name: dayOneCsv, data: csv(dayOne, false) }]) },
    {
      fileName: dayTwoName,
      owner: options.accessKey,
      source: await deflatedZip([
        { name: dayTwoCsv[0] ?? '', data: csv(dayTwo.slice(0, half), true) },
        { name: dayTwoCsv[1] ?? '', data: csv(dayTwo.slice(half), true) },
      ]),
    },
  ];
  const foreign: IndexPackage = {
    fileName: foreignName,
    owner: options.foreignAccessKey,
    source: await deflatedZip([{ name: '20261122083000111111_agentOprInfo.csv', data: csv(foreignRows, false) }]),
  };
  return { owned, foreign, samples };
}
