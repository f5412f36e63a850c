/**
 * A read or write of the recording-index database that failed (unreachable server, timeout, locked
 * file, …). The data layer wraps every driver error in it, so the GraphQL layer maps it once
 * (DATABASE_UNAVAILABLE) and never shows the driver's message, which may hold SQL or addresses.
 */
export class IndexDatabaseError extends Error {
  override readonly name = 'IndexDatabaseError';
  constructor(
    /** Which read failed, e.g. `recordingsByCallIds` (for the log). */
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(`recording index database: ${operation} failed`);
  }
}

export function isIndexDatabaseError(error: unknown): error is IndexDatabaseError {
  return error instanceof IndexDatabaseError;
}

/** Runs one database operation, wrapping any failure in IndexDatabaseError. */
export async function databaseOperation<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof IndexDatabaseError ? error : new IndexDatabaseError(operation, error);
  }
}
