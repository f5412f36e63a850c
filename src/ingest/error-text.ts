/**
 * What an operator may read about a failure (logs, index_window.last_error): our own messages, a
 * CC error's kind and code, a database error's SQLSTATE. Never the text of a database or parser
 * error from elsewhere, which can quote the row being written.
 */
import { isCcError } from '../cc/cc-error.js';
import { IndexTooLargeError, NotAZipError, ZipIntegrityError } from '../cc/files/zip-entries.js';

export function errorText(error: unknown): string {
  if (isCcError(error)) return error.message;
  if (error instanceof IndexTooLargeError || error instanceof NotAZipError || error instanceof ZipIntegrityError) return error.message;
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    const name = error instanceof Error ? error.name : 'error';
    if (typeof code === 'string' && /^[0-9A-Z_]{2,32}$/.test(code)) return `${name} ${code}`;
    return name;
  }
  return 'error';
}
