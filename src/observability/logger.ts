/**
 * Structured JSON logs (pino). Redaction is the last line of defence: code never puts a secret,
 * token, Guid, key, cookie or link into a log field in the first place. Every line written while
 * an HTTP request is served carries that request's id (from or into its `traceparent`).
 */
import { pino, type Logger } from 'pino';
import { currentRequestContext } from './request-context.js';

export type { Logger };

const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'guid',
  'Guid',
  'token',
  'accessToken',
  'secret',
  'secretKey',
  'accessKey',
  'password',
  'key',
  'apiKey',
  'jwt',
  'cookie',
  'url',
  'link',
];

const SECRET_HEADERS = [
  'authorization',
  '["router-authorization"]',
  '["proxy-authorization"]',
  'cookie',
  '["set-cookie"]',
  'guid',
  '["set-guid"]',
];

export const REDACTED_PATHS = [
  ...SECRET_HEADERS.map((header) => `req.headers${header.startsWith('[') ? '' : '.'}${header}`),
  ...SECRET_HEADERS.map((header) => `res.headers${header.startsWith('[') ? '' : '.'}${header}`),
  ...SECRET_HEADERS.map((header) => `*.headers${header.startsWith('[') ? '' : '.'}${header}`),
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS,
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'cc-media-subgraph' },
      mixin: () => {
        const context = currentRequestContext();
        return context ? { requestId: context.requestId } : {};
      },
    },
    options.destination ?? process.stdout,
  );
}

/** A logger that drops everything; the default for components built in tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
