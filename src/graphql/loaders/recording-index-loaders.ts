/**
 * Per-request DataLoaders over the recording index: whatever number of Calls, Recordings or
 * AgentOperationIndexes a query touches, each loader costs one database query per batch (one tick
 * of the event loop), never one per entity. File names are keyed in slash form, so both spellings
 * of a name share one key. A failed batch fails the fields that asked for it, nothing else.
 */
import DataLoader from 'dataloader';
import { normalizeCcFileName } from '../../cc/types.js';
import type { RecordingEntry } from '../../data/recording-index/recording-entry.js';
import type { RecordingIndexReader } from '../../data/recording-index/recording-index-reader.js';
import type { Metrics } from '../../observability/metrics.js';

/** Keys per query: far below SQLite's and PostgreSQL's bound-parameter limits. */
export const INDEX_MAX_BATCH_SIZE = 1000;

export interface RecordingIndexLoaders {
  /** Call id → its recordings (by beginTime, then fileName); [] when the index has none. */
  recordingsByCall: DataLoader<string, RecordingEntry[]>;
  /** Slash-form file name → its index row, or null when the index does not hold it. */
  recordingByFileName: DataLoader<string, RecordingEntry | null>;
  /** Agent operation index file name → when the CC-FS reported it ready, or null. */
  agentOperationIndexReadyAt: DataLoader<string, Date | null>;
}

export function createRecordingIndexLoaders(reader: RecordingIndexReader, metrics: Metrics): RecordingIndexLoaders {
  const options = { maxBatchSize: INDEX_MAX_BATCH_SIZE };
  // Each made on first use: a request that asks no index field builds none.
  let recordingsByCall: RecordingIndexLoaders['recordingsByCall'] | undefined;
  let recordingByFileName: RecordingIndexLoaders['recordingByFileName'] | undefined;
  let agentOperationIndexReadyAt: RecordingIndexLoaders['agentOperationIndexReadyAt'] | undefined;
  return {
    get recordingsByCall() {
      return (recordingsByCall ??= new DataLoader(async (callIds) => {
        metrics.loaderBatchSize.observe({ loader: 'recordingsByCall' }, callIds.length);
        const byCall = await reader.recordingsByCallIds(callIds);
        return callIds.map((callId) => byCall.get(callId) ?? []);
      }, options));
    },
    get recordingByFileName() {
      return (recordingByFileName ??= new DataLoader(async (fileNames) => {
        metrics.loaderBatchSize.observe({ loader: 'recordingByFileName' }, fileNames.length);
        const byName = await reader.recordingsByFileNames(fileNames);
        return fileNames.map((fileName) => byName.get(fileName) ?? null);
      }, options));
    },
    get agentOperationIndexReadyAt() {
      return (agentOperationIndexReadyAt ??= new DataLoader(async (fileNames) => {
        metrics.loaderBatchSize.observe({ loader: 'agentOperationIndexReadyAt' }, fileNames.length);
        const readyAt = await reader.readyAtByFileNames(fileNames);
        return fileNames.map((fileName) => readyAt.get(fileName) ?? null);
      }, options));
    },
  };
}

/** The index row of a recording by any spelling of its name. */
export function loadIndexedRecording(loaders: RecordingIndexLoaders, fileName: string): Promise<RecordingEntry | null> {
  return loaders.recordingByFileName.load(normalizeCcFileName(fileName));
}
