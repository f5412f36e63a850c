/**
 * Structured JSON logs (pino). Redaction (redact.ts) is the last line of defence: code never puts a
 * secret, token, Guid, key, cookie or link into a log field in the first place. Every line written while
 * an HTTP request is served carries that request's id (from or into its `traceparent`).
 */
import { pino, type Logger } from 'pino';
import { redactSecrets } from './redact.js';
import { currentRequestContext } from './request-context.js';

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino(
    {
      level,
      formatters: { log: redactSecrets },
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
