/**
 * The parsed rows of agent operation index zips, shared by all requests: each zip is downloaded and
 * parsed once, concurrent asks for the same file share one download (lru-cache `fetch` is
 * single-flight), and the rows stay in a memory-bounded LRU (sized by an estimate of their heap
 * bytes). Failures are not cached: the next ask downloads again.
 */
import type { Readable } from 'node:stream';
import { LRUCache } from 'lru-cache';
import { CcError, isCcError } from '../cc/cc-error.js';
import type { CcfsApi } from '../cc/types.js';
import type { Logger } from '../observability/logger.js';
import { estimateRowBytes, type AgentOperationRow } from '../cc/files/agent-operation-row.js';
import { IndexTooLargeError, parseAgentOperationIndexZip } from '../cc/files/index-parser.js';

export interface AgentOperationStore {
  /** All rows of the index, in file order. Rejects with CcError. */
  rows(fileName: string): Promise<readonly AgentOperationRow[]>;
}

export interface AgentOperationStoreOptions {
  ccfs: CcfsApi;
  timeZone: string;
  logger: Logger;
  /** Heap budget of the cached rows (estimated). Default 64 MiB. */
  maxBytes?: number;
  /** How long parsed rows stay cached. Default 30 minutes. */
  ttlSeconds?: number;
  /** Largest inflated CSV accepted per zip. Default 256 MiB. */
  maxUncompressedBytes?: number;
}

interface CachedIndex {
  rows: readonly AgentOperationRow[];
  bytes: number;
}

export function createAgentOperationStore(options: AgentOperationStoreOptions): AgentOperationStore {
  const { ccfs, timeZone, logger } = options;
  const maxUncompressedBytes = options.maxUncompressedBytes ?? 256 * 1024 * 1024;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;

  async function load(fileName: string, signal: AbortSignal): Promise<CachedIndex> {
    const download = await ccfs.downloadAgentOprInfoFile(fileName, { signal });
    const parsed = await parseDownload(download.stream, timeZone, maxUncompressedBytes);
    if (parsed.csvEntries === 0) logger.warn({ fileName }, 'agent operation index holds no agentOprInfo CSV');
    if (parsed.skippedRecords > 0) logger.warn({ fileName, skipped: parsed.skippedRecords }, 'agentOprInfo records without id skipped');
    const bytes = parsed.rows.reduce((sum, row) => sum + estimateRowBytes(row), 0);
    if (bytes > maxBytes) logger.warn({ fileName, rows: parsed.rows.length }, 'agent operation index too large to cache; each query downloads it again');
    return { rows: parsed.rows, bytes };
  }

  const cache = new LRUCache<string, CachedIndex>({
    maxSize: maxBytes,
    sizeCalculation: (value) => Math.max(1, value.bytes),
    ttl: (options.ttlSeconds ?? 30 * 60) * 1000,
    fetchMethod: (fileName, _stale, { signal }) => load(fileName, signal),
  });

  return {
    async rows(fileName) {
      const cached = await cache.fetch(fileName);
      if (cached === undefined) throw new CcError('other', 'the agent operation index could not be loaded');
      return cached.rows;
    },
  };
}

/**
 * Parses the stream. A download that broke off stays CC_UNAVAILABLE (the platform's side); a complete
 * download that cannot be read (not a zip, a broken CSV, too large) is CC_FILE_UNREADABLE.
 */
async function parseDownload(stream: Readable, timeZone: string, maxUncompressedBytes: number) {
  let sourceError: unknown;
  stream.once('error', (error: unknown) => {
    sourceError = error;
  });
  try {
    return await parseAgentOperationIndexZip(stream, { timeZone, maxUncompressedBytes });
  } catch (error) {
    stream.destroy();
    // The CC transport fails a download that breaks off with a CcError (or the abort reason). Any
    // other error on the stream is the parser's own failure, passed back to its source (Node 22's
    // pipeline destroys the source with it; Node 20's does not).
    if (isCcError(sourceError)) throw sourceError;
    if (sourceError instanceof Error && sourceError.name === 'AbortError') {
      throw new CcError('unavailable', 'the download of the agent operation index broke off', { cause: sourceError });
    }
    if (isCcError(error)) throw error;
    if (error instanceof IndexTooLargeError) throw new CcError('unreadable_file', 'the agent operation index is too large to read', { cause: error });
    throw new CcError('unreadable_file', 'the agent operation index is not a readable zip of CSV files', { cause: error });
  }
}
