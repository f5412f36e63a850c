/**
 * Structured JSON logs (pino). Redaction is the last line of defence: code never puts a secret,
 * token, Guid, key, cookie or link into a log field in the first place.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["router-authorization"]',
  'req.headers.cookie',
  'req.headers.guid',
  'res.headers["set-cookie"]',
  'res.headers["set-guid"]',
  '*.authorization',
  '*.Authorization',
  '*.guid',
  '*.Guid',
  '*.token',
  '*.secret',
  '*.password',
  '*.key',
  '*.url',
  'authorization',
  'guid',
  'token',
  'password',
  'secret',
  'url',
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'cc-media-subgraph' } },
    options.destination ?? process.stdout,
  );
}

/** A logger that drops everything; the default for components built in tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
