/**
 * requestAgentOperationIndex (docs/recording-index.md): asks the CC-FS for an agent operation index of a
 * window and stores the expected file at once, so that it is listed (agentOperationIndexes) and
 * its callback, or a first successful download, sets readyAt.
 */
import { ccLocalDay } from '../cc/files/cc-local-format.js';
import { exportFileName } from '../cc/files/export-file-name.js';
import type { CcfsApi } from '../cc/types.js';
import type { DatabaseHandle } from '../db/connection.js';
import { applyEarlyCallback, insertExportFile, recordFirstDownload } from '../db/export-file-repository.js';

export interface AgentOperationIndexRequest {
  from: Date;
  to: Date;
  agentId?: string;
}

export interface RequestedAgentOperationIndex {
  /** yyyyMMdd_{responseId without dashes}.zip */
  fileName: string;
  /** As the CC-FS answered it. */
  responseId: string;
  /** The request day in CC_TIME_ZONE, yyyy-MM-dd. */
  date: string;
}

export interface AgentOperationIndexRequests {
  /** Rejects with CcError when the CC-FS refuses; with RangeError for a window the caller should have refused. */
  requestAgentOperationIndex(request: AgentOperationIndexRequest): Promise<RequestedAgentOperationIndex>;
  /** A download of the file succeeded: readyAt is set unless it already was (never moved earlier). */
  recordAgentOperationIndexDownloaded(fileName: string): Promise<void>;
}

export interface AgentOperationIndexRequestsOptions {
  handle: DatabaseHandle;
  ccfs: CcfsApi;
  timeZone: string;
  callbackUrl: string;
  now?: () => number;
}

const THREE_DAYS_MS = 3 * 24 * 60 * 60 * 1000;

export function createAgentOperationIndexRequests(options: AgentOperationIndexRequestsOptions): AgentOperationIndexRequests {
  const now = options.now ?? Date.now;
  return {
    async requestAgentOperationIndex({ from, to, agentId }) {
      const span = to.getTime() - from.getTime();
      if (!(span > 0) || span > THREE_DAYS_MS) throw new RangeError('an agent operation index window must be longer than 0 and at most 3 days');
      const requestedAt = now();
      const { responseId } = await options.ccfs.queryAgentOprInfoData({
        begin: from,
        end: to,
        callBackUrl: options.callbackUrl,
        ...(agentId === undefined ? {} : { agentId }),
      });
      const date = ccLocalDay(requestedAt, options.timeZone);
      const fileName = exportFileName(date, responseId);
      await insertExportFile(options.handle.db, {
        file_name: fileName,
        kind: 'agent_opr',
        response_id: responseId,
        request_day: date,
        from_ms: from.getTime(),
        to_ms: to.getTime(),
        agent_id: agentId ?? null,
        window_id: null,
        requested_at: requestedAt,
        // Agent operation indexes are downloaded by readers, never by the ingestion loop.
        next_attempt_at: requestedAt,
      });
      await applyEarlyCallback(options.handle.db, fileName, 'agent_opr');
      return { fileName, responseId, date };
    },
    async recordAgentOperationIndexDownloaded(fileName) {
      await recordFirstDownload(options.handle.db, fileName, 'agent_opr', now());
    },
  };
}
