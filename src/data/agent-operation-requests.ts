/**
 * What GraphQL's requestAgentOperationIndex needs from the write side (src/ingest implements it; the
 * server wiring hands it over): ask the CC-FS for an agent operation index and remember the file it
 * will make. Declared here so that GraphQL depends on the data room only.
 */
export interface AgentOperationIndexRequest {
  from: Date;
  to: Date;
  agentId?: string | undefined;
}

export interface RequestedAgentOperationIndex {
  /** yyyyMMdd_{responseId without dashes}.zip */
  fileName: string;
  /** As the CC-FS answered it. */
  responseId: string;
  /** yyyy-MM-dd in CC_TIME_ZONE: the day of the request. */
  date: string;
}

export type RequestAgentOperationIndex = (request: AgentOperationIndexRequest) => Promise<RequestedAgentOperationIndex>;
