/** Public types of the CC simulator (re-exported by simulator.ts). */
import type { EventEmitter } from 'node:events';

export type SimEndpoint =
  | 'requestPlayVoice'
  | 'playVoice'
  | 'downloadRecord'
  | 'downloadAgentOprInfoFile'
  | 'queryBillData'
  | 'queryAgentOprInfoData'
  | 'downloadBillFile'
  | 'login'
  | 'forcelogin'
  | 'agentevent'
  | 'logout'
  | 'forcelogout'
  | 'recordfiledownloadEx'
  | 'videofiledownload';

export const SIM_ENDPOINTS: readonly SimEndpoint[] = [
  'requestPlayVoice',
  'playVoice',
  'downloadRecord',
  'downloadAgentOprInfoFile',
  'queryBillData',
  'queryAgentOprInfoData',
  'downloadBillFile',
  'login',
  'forcelogin',
  'agentevent',
  'logout',
  'forcelogout',
  'recordfiledownloadEx',
  'videofiledownload',
];

/** Endpoints whose success answer is a file stream (they emit 'streamClosed'). */
export const DOWNLOAD_ENDPOINTS: readonly SimEndpoint[] = [
  'playVoice',
  'downloadRecord',
  'downloadAgentOprInfoFile',
  'downloadBillFile',
  'recordfiledownloadEx',
  'videofiledownload',
];

export const CCFS_ENDPOINTS: readonly SimEndpoint[] = [
  'requestPlayVoice',
  'playVoice',
  'downloadRecord',
  'downloadAgentOprInfoFile',
  'queryBillData',
  'queryAgentOprInfoData',
  'downloadBillFile',
];

/** Faults of the next exports (queryBillData / queryAgentOprInfoData), for ingestion tests. */
export type ExportFault =
  /** The file is generated but no callback is sent (the subgraph must poll). */
  | { type: 'noCallback' }
  /** The zip's compressed data is scrambled (still starts like a zip). */
  | { type: 'brokenZip' }
  /** The record CSV inflates to `inflatedBytes` (default 16 MiB) from a small zip. */
  | { type: 'oversizedZip'; inflatedBytes?: number }
  /** Lines with a wrong column count, a bad date, a 10 KB field, an unclosed quote, a 100 KB line. */
  | { type: 'hostileRows' }
  /** The file takes this long to be generated (downloads answer 0300011 until then). */
  | { type: 'slowFile'; readyAfterMs: number };

/** What the simulator generated for one export request. */
export interface ExportInfo {
  kind: 'bill' | 'agentOpr';
  fileName: string;
  responseId: string;
  owner: string;
  beginMs: number;
  endMs: number;
  requestedAtMs: number;
  readyAtMs: number;
  /** Good record-index rows (bill) or agentOprInfo rows in the file. */
  records: number;
  /** Hostile lines in the file, by the reason a reader should skip them. */
  hostileCounts: Record<string, number>;
  fault: ExportFault | undefined;
}

/** A recording-index record of a file added with addFile. */
export interface IndexSpec {
  beginMs: number;
  endMs?: number;
  agentId?: string;
  callerNo?: string;
  calleeNo?: string;
  callType?: number;
}

export type SimFault =
  /** CC-FS JSON error (HTTP 200) / CC-Gateway retcode JSON. */
  | { type: 'resultCode'; code: string; desc?: string }
  /** e.g. 500, 502, 401, 403, with the Spring Boot error JSON body. */
  | { type: 'http'; status: number }
  /** Destroy the socket before any byte. */
  | { type: 'reset' }
  /** Send headers (full Content-Length), then destroy the socket after N body bytes. */
  | { type: 'truncate'; afterBytes: number }
  /** Never answer (until the client or the simulator closes). */
  | { type: 'hang' }
  /** A JSON error body labelled application/octet-stream;charset=UTF-8. */
  | { type: 'jsonAsBinary'; code?: string }
  /** 0300008 (downloads) / 0300009 (queries); 000-007 on the gateway (our assumption). */
  | { type: 'flowControl' }
  /**
   * A file answer delivered completely (status, headers, a correct Content-Length) whose bytes are
   * not the file's format: a zip or CSV that cannot be read. Answers that are not files are unchanged.
   */
  | { type: 'corrupt' };

export interface SimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** How long an idle keep-alive connection stays open; default Node's 5 s. */
  keepAliveTimeoutMs?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Serve HTTPS instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Default 'sim-ak'. */
  accessKey?: string;
  /** Default a fixed demo secret. */
  secretKey?: string;
  /** A second developer account that owns one recording and one index (ownership tests). */
  foreignAccessKey?: string;
  foreignSecretKey?: string;
  /** Default '4977'. */
  agentId?: string;
  /** Default 'sim-agent-pw'. */
  agentPassword?: string;
  /** Default '40038'. */
  agentPhone?: string;
  /**
   * A pool of service agents that may sign in (each with its own session and Guid). When given, the
   * first is `credentials` and agentId/agentPassword/agentPhone are ignored. Default: the one agent above.
   */
  agents?: SimAgent[];
  /** Default 'dynamic' (AUTHMODE=2). */
  guidMode?: 'dynamic' | 'static';
  /** Guid rotation period, default 60000. */
  guidIntervalMs?: number;
  /** An old Guid stays valid this long after rotation, default 120000. */
  guidTimeoutMs?: number;
  /** Event long-poll wait, default 10000. */
  pollWaitMs?: number;
  /** No poll for this long ⇒ signed out, default 120000. */
  idleSignOutMs?: number;
  /** playVoice token lifetime, default 30 min. */
  tokenTtlMs?: number;
  /** Added before every answer, default 0. */
  latencyMs?: number;
  /** Serve 206 for a single `Range` on downloads/playVoice; default true. */
  honourRange?: boolean;
  /** IANA zone for CSV times, default 'UTC'. */
  timeZone?: string;
  /** ms; for token/Guid expiry tests. Default Date.now. */
  clock?: () => number;
  /** Accepted |now − auth-v2 timestamp|, default 15 min. */
  maxClockSkewMs?: number;
  /** The keys callbacks are signed with; default accessKey / secretKey. */
  callbackAccessKey?: string;
  callbackSecretKey?: string;
  /** How long an export takes to be generated (then it is served and the callback is sent). Default 200. */
  exportDelayMs?: number;
  /** A failed callback is sent again after this long (the platform: 10 minutes). Default 600000. */
  callbackRetryMs?: number;
  /** Callback attempts per file. Default 5. */
  callbackMaxAttempts?: number;
  /** More than this many auth failures from one IP within authFailureWindowMs ⇒ 403. Default 20. */
  authFailureLimit?: number;
  /** Default 60000. */
  authFailureWindowMs?: number;
  /** How long an IP stays locked, default 60000. */
  ipLockMs?: number;
}

export interface AgentOperationIndexSample {
  fileName: string;
  /** CSV entries inside the zip, in order. */
  csvNames: string[];
  hasHeaderRow: boolean;
  totalRows: number;
  rowsPerAgent: Record<string, number>;
  /** Distinct non-empty call ids in the rows. */
  callIds: string[];
  firstRow: { id: string; agentId: string; opType: number; beginTimeUtc: string; beginTimeLocal: string };
}

export interface SampleIds {
  /** original_file_name values (slash form) owned by the default access key. */
  recordings: string[];
  /** A recording owned by the foreign access key (⇒ HTTP 401 for the default key). */
  foreignRecording: string;
  singleRecordingCallId: string;
  multiRecordingCallId: string;
  /** The recordings of multiRecordingCallId. */
  multiRecordingFileNames: string[];
  /** A call id known to nobody (⇒ 0300012 / 108-001). */
  unknownCallId: string;
  /** MCU video (videofiledownload). */
  conference: { conferenceId: string; recordId: string };
  /** A VoiceCyber video (recordfiledownloadEx with hwFileName) of gatewayVideoCallId. */
  gatewayVideoFileName: string;
  gatewayVideoCallId: string;
  agentOperationIndexes: string[];
  /** An index owned by the foreign access key. */
  foreignAgentOperationIndex: string;
  agentOperationRows: Record<string, AgentOperationIndexSample>;
}

export interface SimCounters {
  calls: Record<SimEndpoint, number>;
  inFlight: Record<SimEndpoint, number>;
  peakInFlight: Record<SimEndpoint, number>;
  /** Body bytes written to clients. */
  bytesSent: Record<SimEndpoint, number>;
  /** auth-v2 verifications that failed (401) and requests refused by an IP lock (403). */
  authFailures: number;
  /** Injected faults that were applied. */
  faultsApplied: number;
  /** Sign-ins answered with success (PUT onlineagent/{id}). */
  signIns: number;
  /** Forced sign-ins answered with success (PUT …/forcelogin): each one may have thrown another client's session out. */
  forcedSignIns: number;
  /** Callbacks to callBackURLs. */
  callbacks: { sent: number; succeeded: number; failed: number };
  /** The W3C `traceparent` header of the last call per endpoint (absent: the call had none). */
  lastTraceparent: Partial<Record<SimEndpoint, string>>;
}

export interface SimKnobs {
  latencyMs: number;
  latencyByEndpoint: Partial<Record<SimEndpoint, number>>;
  honourRange: boolean;
  /** Throttle download bodies (slow-server tests); undefined = full speed. */
  bytesPerSecond?: number;
}

export interface StreamClosedEvent {
  endpoint: SimEndpoint;
  status: number;
  bytesSent: number;
  /** True when the whole response was written; false when the client went away or it was cut. */
  completed: boolean;
  at: number;
}

export interface AddFileSpec {
  size: number;
  /** 'wav' (default): a valid A-law WAV; 'bytes': a deterministic byte pattern. */
  kind?: 'wav' | 'bytes';
  /** Also make it a recording of this call (downloadRecord by callId). */
  callId?: string;
  /** Also list it in the recording index (needs callId). */
  index?: IndexSpec;
  /** Owner, default the simulator's access key. */
  accessKey?: string;
}

export interface SimAgent {
  agentId: string;
  password: string;
  phone: string;
}

export interface SimCredentials {
  accessKey: string;
  secretKey: string;
  agentId: string;
  password: string;
  phone: string;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:PORT (CC-FS and CC-Gateway share the one server). */
  url: string;
  ccfsBaseUrl: string;
  gatewayBaseUrl: string;
  credentials: SimCredentials;
  /** Every service agent that may sign in (the first is the one in `credentials`). */
  agents: SimAgent[];
  foreignCredentials: { accessKey: string; secretKey: string };
  samples: SampleIds;
  knobs: SimKnobs;
  inject(endpoint: SimEndpoint, fault: SimFault, options?: { times?: number }): void;
  clearFaults(): void;
  /** Every issued Guid stops working now (⇒ 000-003). */
  expireGuids(): void;
  /** The agent (default: every agent) is signed out server-side (⇒ 100-006 on its next calls). */
  forceSignOut(agentId?: string): void;
  /** The next event poll returns a new Set-GUID (dynamic mode). */
  rotateGuidNow(): void;
  /** Live object: mutated in place. */
  counters: SimCounters;
  resetCounters(): void;
  /** 'streamClosed' (StreamClosedEvent). */
  events: EventEmitter;
  addFile(fileName: string, spec: AddFileSpec): void;
  /** The next `times` exports (default 1) get this fault. */
  injectExport(fault: ExportFault, options?: { times?: number }): void;
  /** Every export made so far, in order. */
  exports(): ExportInfo[];
  /** How many recording-index records of the default account began in [fromMs, toMs]. */
  indexRecordsBetween(fromMs: number, toMs: number): number;
  /** The bytes a download of this recording file delivers (for byte-exact assertions; small files). */
  fileBytes(fileName: string): Promise<Buffer>;
  /** Whether the agent has a live session now. */
  isSignedIn(agentId?: string): boolean;
  close(): Promise<void>;
}
