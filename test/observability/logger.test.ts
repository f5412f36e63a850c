/** The logger's last line of defence: fields named like secrets are censored at any usual depth. */
import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../src/observability/logger.js';
import { runWithRequestContext } from '../../src/observability/request-context.js';
import { LogCapture } from '../support/logs.js';

describe('createLogger', () => {
  it('censors headers and secret-named fields', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', 'router-authorization': 'rs', cookie: 'c=1', guid: 'g-1' } },
        res: { headers: { 'set-cookie': 'c=2', 'set-guid': 'JSESSIONID=g-2' } },
        token: 'cc-token',
        password: 'pw',
        url: 'http://localhost/media/secret-link',
        upstream: { Guid: 'g-3', secretKey: 'sk', accessKey: 'ak', headers: { authorization: 'x' } },
        harmless: 'kept',
      },
      'event',
    );
    const text = logs.text;
    for (const secret of ['Bearer abc', '"rs"', 'c=1', 'g-1', 'c=2', 'g-2', 'cc-token', '"pw"', 'secret-link', 'g-3', '"sk"', '"ak"', '"x"']) {
      expect(text).not.toContain(secret);
    }
    expect(logs.lines()[0]).toMatchObject({ harmless: 'kept', token: '[redacted]', msg: 'event' });
  });

  it('adds the request id of the request being served', async () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    await runWithRequestContext({ requestId: 'a'.repeat(32), traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` }, async () => {
      await Promise.resolve();
      logger.info('inside');
    });
    logger.info('outside');
    expect(logs.lines().map((line) => line.requestId)).toEqual(['a'.repeat(32), undefined]);
  });

  it('censors at any usual depth and in any case, inside arrays and errors, without changing the logged object', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs });
    const failure = Object.assign(new Error('upstream failed'), { url: 'http://cc/playVoice?st=tok-in-error', code: 'ECONNRESET' });
    const logged = {
      outer: { inner: { deeper: { Token: 'deep-token', kept: 1 } } },
      list: [{ password: 'pw-in-array' }, 'plain'],
      call: { request: { headers: { 'Router-Authorization': 'rs-header', accept: '*/*' } } },
      err: failure,
      harmless: 'kept',
    };
    logger.info(logged, 'event');
    const text = logs.text;
    for (const secret of ['deep-token', 'pw-in-array', 'rs-header', 'tok-in-error']) expect(text).not.toContain(secret);
    expect(logs.lines()[0]).toMatchObject({
      outer: { inner: { deeper: { Token: '[redacted]', kept: 1 } } },
      list: [{ password: '[redacted]' }, 'plain'],
      call: { request: { headers: { 'Router-Authorization': '[redacted]', accept: '*/*' } } },
      err: { message: 'upstream failed', code: 'ECONNRESET', url: '[redacted]' },
      harmless: 'kept',
    });
    // The caller's object is untouched.
    expect(logged.outer.inner.deeper.Token).toBe('deep-token');
    expect(logged.call.request.headers['Router-Authorization']).toBe('rs-header');
    expect(failure.url).toContain('tok-in-error');
  });
});
