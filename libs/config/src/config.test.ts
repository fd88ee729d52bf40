import { Type } from '@sinclair/typebox';
import { ConfigError, loadConfig, LogLevel, Port, Url } from './index.ts';

const schema = Type.Object({
  PORT: Port(3001),
  DATABASE_URL: Url('postgres://localhost/x', ['postgres', 'postgresql']),
  LOG_LEVEL: LogLevel,
  SECRET: Type.String({ minLength: 8 }),
});

describe('loadConfig', () => {
  it('when values are valid, then it coerces them, applies defaults and freezes the result', () => {
    const config = loadConfig(schema, { PORT: '4000', SECRET: 'long-enough', OTHER: 'ignored' });
    expect(config).toEqual({ PORT: 4000, DATABASE_URL: 'postgres://localhost/x', LOG_LEVEL: 'info', SECRET: 'long-enough' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when several values are bad or missing, then it names each one', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('"eighty"');
    expect(message).toContain('DATABASE_URL');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toContain('SECRET is required');
  });
});
