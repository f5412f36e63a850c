/**
 * What each resolver receives as its parent object (codegen `mappers` in codegen.yml). Entities carry
 * only their key: nothing is fetched until a field asks for it.
 */
import type { AgentOperationRow } from '../cc/files/agent-operation-row.js';
import type { RecordingEntry } from '../data/recording-index/recording-entry.js';
import type { RecordingIndexCoverage } from '../data/recording-index/recording-index-reader.js';

export interface CallModel {
  callId: string;
}

export interface RecordingModel {
  /** Exactly as the caller gave it (backslashes or slashes): `Recording.fileName` echoes it. */
  fileName: string;
  /**
   * Its row of the recording index when the parent has already read it (Call.recordings,
   * searchRecordings); undefined: the index fields ask the per-request loader.
   */
  index?: RecordingEntry | null;
}

export interface RecordingPageModel {
  nodes: RecordingModel[];
  /** Counted only when the query asks for it (one more query). */
  totalCount: () => Promise<number>;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

export type RecordingIndexCoverageModel = RecordingIndexCoverage;

export interface PlaybackModel {
  token: string;
  expiresAt: Date;
  /** The recording's name with slashes, as it reaches the platform. */
  fileName: string;
}

export interface VideoRecordingModel {
  conferenceId: string;
  recordId: string;
}

export interface AgentOperationIndexModel {
  fileName: string;
  /** yyyy-MM-dd, from the file name. */
  date: string;
  responseId: string;
  /** Known when the parent read it with the index (agentOperationIndexes); undefined: the loader asks. */
  readyAt?: Date | null;
}

export type AgentOperationModel = AgentOperationRow;

export interface AgentOperationPageModel {
  nodes: AgentOperationRow[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
