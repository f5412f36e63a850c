/**
 * The one place where failures become GraphQL errors. Resolvers throw CcError (from src/cc) or the
 * BAD_USER_INPUT errors built here; `formatGraphQLError` (Apollo's formatError) maps everything to
 * the contract's `extensions.code` / `extensions.ccResultCode`, and anything unexpected to a generic
 * INTERNAL_SERVER_ERROR whose real cause goes to the log only. Messages never carry secrets,
 * tokens, links or stack traces.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { describeCcFailure, isCcError, type CcError, type CcErrorKind } from '../cc/cc-error.js';
import { isIndexDatabaseError } from '../data/recording-index/index-database-error.js';
import type { Logger } from '../observability/logger.js';

export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CC_FILE_NOT_FOUND: 'CC_FILE_NOT_FOUND',
  CC_FLOW_CONTROL: 'CC_FLOW_CONTROL',
  CC_UNAUTHORIZED: 'CC_UNAUTHORIZED',
  CC_UNAVAILABLE: 'CC_UNAVAILABLE',
  CC_GATEWAY_NOT_CONFIGURED: 'CC_GATEWAY_NOT_CONFIGURED',
  CC_FILE_UNREADABLE: 'CC_FILE_UNREADABLE',
  CC_ERROR: 'CC_ERROR',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An invalid argument, refused before any upstream call. */
export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argumentName === undefined ? {} : { argumentName }) },
  });
}

/** A gateway field asked while CC_GATEWAY_BASE_URL is unset. */
export function gatewayNotConfigured(): GraphQLError {
  return new GraphQLError('The CC-Gateway is not configured on this subgraph (CC_GATEWAY_BASE_URL is unset).', {
    extensions: { code: ErrorCode.CC_GATEWAY_NOT_CONFIGURED },
  });
}

const CODE_BY_KIND: Record<CcErrorKind, ErrorCode> = {
  not_found: ErrorCode.CC_FILE_NOT_FOUND,
  flow_control: ErrorCode.CC_FLOW_CONTROL,
  unauthorized: ErrorCode.CC_UNAUTHORIZED,
  unavailable: ErrorCode.CC_UNAVAILABLE,
  not_configured: ErrorCode.CC_GATEWAY_NOT_CONFIGURED,
  unreadable_file: ErrorCode.CC_FILE_UNREADABLE,
  bad_parameter: ErrorCode.CC_ERROR,
  other: ErrorCode.CC_ERROR,
};

// Our own words per kind: the platform's texts are not shown (they may echo parameters).
const MESSAGE_BY_KIND: Record<CcErrorKind, string> = {
  not_found: 'The CC platform has no such file or record.',
  flow_control: 'The CC platform is throttling requests (flow control); retry later.',
  unauthorized: 'The CC platform refused the request (authentication or ownership).',
  unavailable: 'The CC platform could not be reached or failed; retry later.',
  not_configured: 'The CC-Gateway is not configured on this subgraph (CC_GATEWAY_BASE_URL is unset).',
  unreadable_file: 'The file the CC platform delivered could not be read (not a readable zip of CSV files, or too large).',
  bad_parameter: 'The CC platform refused a parameter of the request.',
  other: 'The CC platform answered with an error.',
};

export interface CcErrorExtensions {
  code: ErrorCode;
  ccResultCode?: string;
  retryable?: boolean;
}

export function ccErrorExtensions(error: CcError): CcErrorExtensions {
  return {
    code: CODE_BY_KIND[error.kind],
    ...(error.code === undefined ? {} : { ccResultCode: error.code }),
    ...(error.kind === 'not_configured' ? {} : { retryable: error.retryable }),
  };
}

export function ccErrorMessage(error: CcError): string {
  const base = MESSAGE_BY_KIND[error.kind];
  return error.code === undefined ? base : `${base} (CC result code ${error.code})`;
}

/** Codes that we, Apollo Server or graphql-js set on purpose; their messages are safe to show. */
const KNOWN_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

const GENERIC_MESSAGE = 'Internal server error.';

/**
 * Apollo Server's `formatError`. `error` is what was thrown (usually a GraphQLError wrapping the
 * resolver's error); `formatted` is Apollo's serialisation of it. The log line is written by
 * `logGraphQLError`, where the request is known.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const cause = unwrapResolverError(error);
  const location = {
    ...(formatted.locations === undefined ? {} : { locations: formatted.locations }),
    ...(formatted.path === undefined ? {} : { path: formatted.path }),
  };

  if (isCcError(cause)) {
    return { message: ccErrorMessage(cause), ...location, extensions: { ...ccErrorExtensions(cause) } };
  }

  if (isIndexDatabaseError(cause)) {
    // The driver's message may hold SQL or connection details: the log gets it (logGraphQLError), the client does not.
    return {
      message: 'The recording index database failed or could not be reached; retry later.',
      ...location,
      extensions: { code: ErrorCode.DATABASE_UNAVAILABLE, retryable: true },
    };
  }

  const code = formatted.extensions?.code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) {
    return { message: formatted.message, ...location, extensions: withoutInternals(formatted.extensions) };
  }

  // Anything else is a bug or an unexpected failure: a generic message (its cause goes to the log).
  return { message: GENERIC_MESSAGE, ...location, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/**
 * The log line of an error in a GraphQL answer, naming the request: a CC failure (a missing file
 * at info, anything else at warn), or an unexpected error with its cause; the errors that answer
 * the caller's own mistakes (validation, input, auth) are not logged.
 */
export function logGraphQLError(logger: Logger, error: GraphQLError, requestId: string): void {
  const cause = unwrapResolverError(error);
  const path = error.path;
  if (isCcError(cause)) {
    // A missing file is an everyday answer; everything else deserves an operator's eye.
    const level = cause.kind === 'not_found' ? 'info' : 'warn';
    logger[level]({ requestId, err: { kind: cause.kind, code: cause.code, httpStatus: cause.httpStatus }, cause: describeCcFailure(cause), path }, 'CC call failed');
    return;
  }
  if (isIndexDatabaseError(cause)) {
    logger.error({ requestId, err: cause.cause, operation: cause.operation, path }, 'recording index database failed');
    return;
  }
  const code = error.extensions?.code;
  if (typeof code === 'string' && KNOWN_CODES.has(code)) return;
  logger.error({ requestId, err: cause, path }, 'unexpected error in a GraphQL request');
}

/** Drops what must never reach a client (stack traces, exception objects). */
function withoutInternals(extensions: GraphQLFormattedError['extensions']): Record<string, unknown> {
  const { stacktrace: _stacktrace, exception: _exception, ...rest } = extensions ?? {};
  return rest;
}
