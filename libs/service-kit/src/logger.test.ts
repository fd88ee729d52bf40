import { Writable } from 'node:stream';
import pino from 'pino';
import { censorSecrets, loggerOptions, SECRET_FIELDS } from './logger.ts';

/** A logger with the service kit's options whose lines are collected, parsed. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino(loggerOptions({ service: 'kit-test', version: '1.0.0', level: 'info' }), stream);
  return { logger, lines };
}

describe('logger redaction', () => {
  it('when a logged object holds secret fields at the top or one level down, then they are censored', () => {
    const { logger, lines } = capturingLogger();
    const body = { email: 'a@example.com', password: 'hunter2', nested: { token: 'deep' } };
    logger.info({ body, token: 't0p', user: { id: 'u1', refreshToken: 'r', accessToken: 'a', secret: 's', privateKey: 'k' } }, 'hello');
    expect(lines[0]).toMatchObject({
      msg: 'hello',
      token: '[redacted]',
      body: { email: 'a@example.com', password: '[redacted]', nested: { token: 'deep' } },
      user: { id: 'u1', refreshToken: '[redacted]', accessToken: '[redacted]', secret: '[redacted]', privateKey: '[redacted]' },
    });
    // The caller's objects are left alone.
    expect(body.password).toBe('hunter2');
  });

  it('when an error or request headers carry credentials, then they are censored after serialization', () => {
    const { logger, lines } = capturingLogger();
    const err = Object.assign(new Error('boom'), { password: 'hunter2', code: 'E_X' });
    logger.error({ err, req: { method: 'GET', headers: { authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'k', accept: '*/*' } } }, 'failed');
    expect(lines[0]).toMatchObject({
      err: { message: 'boom', code: 'E_X', password: '[redacted]' },
      req: { method: 'GET', headers: { authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', accept: '*/*' } },
    });
  });

  it('when a child logger binds a request id, then every line carries it unchanged', () => {
    const { logger, lines } = capturingLogger();
    logger.child({ requestId: 'req-1' }).warn({ attempt: 2 }, 'retrying');
    expect(lines[0]).toMatchObject({ requestId: 'req-1', attempt: 2, service: 'kit-test', level: 'warn' });
  });

  it('when nothing secret is logged, then the object is passed on as it is (no copy)', () => {
    const object = { attempt: 1, target: { host: 'x' } };
    expect(censorSecrets(object)).toBe(object);
    expect(SECRET_FIELDS).toContain('password');
  });
});
