/**
 * What each resolver receives as its parent object (codegen `mappers` in codegen.yml). Entities carry
 * only their key: nothing is fetched until a field asks for it.
 */
import type { AgentOperationRow } from '../cc/files/agent-operation-row.js';

export interface CallModel {
  callId: string;
}

export interface RecordingModel {
  /** Exactly as the caller gave it (backslashes or slashes): `Recording.fileName` echoes it. */
  fileName: string;
}

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
}

export type AgentOperationModel = AgentOperationRow;

export interface AgentOperationPageModel {
  nodes: AgentOperationRow[];
  totalCount: number;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
