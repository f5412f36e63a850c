/**
 * The one error type of the CC layer. Every failure of a CC-FS or CC-Gateway call, whatever its
 * shape on the wire (a result code in a 200 JSON body, an HTTP 401/403, a gateway retcode, a socket
 * error or a timeout), becomes a CcError. The GraphQL layer and the media route each map it once.
 *
 * Messages never contain secrets, tokens, Guids or signed links.
 */
export type CcErrorKind =
  /** 0300011 / 0300012, or the gateway's equivalent: the file or record does not exist. */
  | 'not_found'
  /** 0300008 / 0300009: the platform's flow control; retry later. */
  | 'flow_control'
  /** 0300001–0300007, 0300010, 000-002…: the platform refused a parameter. */
  | 'bad_parameter'
  /** HTTP 401 / 403 (IP locked), ownership refused, agent sign-in refused. */
  | 'unauthorized'
  /** Network failure, timeout, HTTP 5xx, a stream cut short. */
  | 'unavailable'
  /** A CC-Gateway call while no gateway is configured. */
  | 'not_configured'
  /**
   * The platform delivered a file that cannot be read: not a zip of CSV files, a broken CSV, or one
   * that inflates past the size limit. The download itself succeeded; repeating it gives the same file.
   */
  | 'unreadable_file'
  /** Any other result code. */
  | 'other';

export interface CcErrorOptions {
  /** The CC result code or gateway retcode (`0300011`, `000-003`, …) when there is one. */
  code?: string;
  /** The HTTP status the platform answered, when it answered. */
  httpStatus?: number;
  /** Whether repeating the same call later may succeed. Defaults by kind. */
  retryable?: boolean;
  /** Which CC server failed (`CC-FS`, `CC-Gateway`), when known. */
  upstream?: string;
  /** For a failure without an answer: the socket's errno-style code (`ECONNRESET`, `ETIMEDOUT`, …). */
  reason?: string;
  cause?: unknown;
}

export class CcError extends Error {
  override readonly name = 'CcError';
  readonly kind: CcErrorKind;
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;
  readonly upstream: string | undefined;
  readonly reason: string | undefined;

  constructor(kind: CcErrorKind, message: string, options: CcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = options.code;
    this.httpStatus = options.httpStatus;
    this.retryable = options.retryable ?? (kind === 'flow_control' || kind === 'unavailable');
    this.upstream = options.upstream;
    this.reason = options.reason;
  }
}

/**
 * Why a CC call failed, for log lines: the server, the kind and the codes, never the platform's own
 * text (which may echo a parameter such as a file name). E.g. `CC-FS unavailable ECONNRESET`,
 * `CC-FS unavailable HTTP_503`, `CC-FS not_found 0300011`.
 */
export function describeCcFailure(error: CcError): string {
  return [error.upstream, error.kind, error.code, error.reason].filter((part) => part !== undefined).join(' ');
}

export function isCcError(error: unknown): error is CcError {
  return error instanceof CcError;
}
