/**
 * What the CC layer offers to the rest of the subgraph (GraphQL loaders and the media route).
 * Implemented by ccfs-client.ts and gateway-client.ts over HTTP; nothing above src/cc knows the wire.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** A playback grant from requestPlayVoice. */
export interface PlayVoiceGrant {
  token: string;
  /** When the platform stops accepting the token (issue time + 30 minutes). */
  expiresAt: Date;
}

export interface DownloadOptions {
  /** A single `bytes=` range to ask the platform for; it may ignore it (then statusCode is 200). */
  range?: string;
  /** Aborting it destroys the upstream request at once. */
  signal?: AbortSignal;
}

/**
 * An open upstream download. It resolves only once the platform has answered with a success status
 * and the first bytes were checked not to be a JSON error (otherwise the call rejects with CcError),
 * so a consumer may start sending `stream` to its own client right away.
 */
export interface UpstreamDownload {
  stream: Readable;
  /** 200, or 206 when the platform honoured `range`. */
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The length of the body that `stream` will deliver, when the platform sent Content-Length. */
  contentLength: number | undefined;
  /** For a 206: the `Content-Range` header the platform sent. */
  contentRange: string | undefined;
  /** The first bytes of the body (already part of `stream` too), for content sniffing. */
  head: Buffer;
}

export interface DownloadRecordArgs {
  fileName?: string;
  callId?: string;
  ccId?: string;
}

/** A window of an export request (queryBillData, queryAgentOprInfoData): at most 3 days. */
export interface ExportWindowArgs {
  /** Sent as CC_TIME_ZONE wall-clock text, whole seconds. */
  begin: Date;
  end: Date;
  /** Where the CC-FS posts the generated file's name. */
  callBackUrl: string;
  agentId?: string;
}

/** `call`: CDRs; `record`: the recording index; `call_record`: both. */
export type BillDataType = 'call' | 'record' | 'call_record';

export interface BillDataArgs extends ExportWindowArgs {
  dataType: BillDataType;
}

export interface ExportRequestAnswer {
  /** As the CC-FS answered it (a UUID with dashes); the file is `yyyyMMdd_{without dashes}.zip`. */
  responseId: string;
}

export interface CcfsApi {
  requestPlayVoice(fileName: string): Promise<PlayVoiceGrant>;
  playVoice(token: string, options?: DownloadOptions): Promise<UpstreamDownload>;
  downloadRecord(args: DownloadRecordArgs, options?: DownloadOptions): Promise<UpstreamDownload>;
  downloadAgentOprInfoFile(fileName: string, options?: DownloadOptions): Promise<UpstreamDownload>;
  /** Asks for a CDR / recording-index export; the file name arrives by callback. */
  queryBillData(args: BillDataArgs): Promise<ExportRequestAnswer>;
  /** Asks for an agent-operation index export. */
  queryAgentOprInfoData(args: ExportWindowArgs): Promise<ExportRequestAnswer>;
  /** A generated CDR / recording-index zip, streamed. */
  downloadBillFile(billFileName: string, options?: DownloadOptions): Promise<UpstreamDownload>;
}

export interface RecordFileDownloadExArgs {
  callId: string;
  hwFileName?: string;
  workNo?: string;
}

/** 0 HD, 1 SD, 2 aux. */
export type VideoFileType = 0 | 1 | 2;

export interface VideoFileDownloadArgs {
  conferenceId: string;
  recordId?: string;
  fileType: VideoFileType;
}

export interface GatewayApi {
  recordFileDownloadEx(args: RecordFileDownloadExArgs, options?: DownloadOptions): Promise<UpstreamDownload>;
  videoFileDownload(args: VideoFileDownloadArgs, options?: DownloadOptions): Promise<UpstreamDownload>;
}

/** Backslashes in CC file names become `/` before they reach the platform (and cache keys). */
export function normalizeCcFileName(fileName: string): string {
  return fileName.includes('\\') ? fileName.replace(/\\/g, '/') : fileName;
}
