import { EventTypes, validateEvent } from './index.ts';

const valid = {
  specversion: '1.0',
  id: '0190f1d2-7b8a-7c3d-9e4f-0a1b2c3d4e5f',
  source: '/auth',
  type: EventTypes.userRegistered,
  time: '2026-01-01T00:00:00.000Z',
  datacontenttype: 'application/json',
  subject: '0190f1d2-7b8a-7c3d-9e4f-0a1b2c3d4e50',
  correlationid: 'req-1',
  data: { userId: '0190f1d2-7b8a-7c3d-9e4f-0a1b2c3d4e50', email: 'a@b.co', name: null },
};

describe('validateEvent', () => {
  it('when the envelope and data match the contract, then it accepts the event', () => {
    expect(validateEvent(valid)).toEqual({ ok: true, event: valid });
  });

  it('when unknown fields are added, then it still accepts the event (additive change)', () => {
    const result = validateEvent({ ...valid, extra: 1, data: { ...valid.data, nickname: 'x' } });
    expect(result.ok).toBe(true);
  });

  it('when data misses a required field, then it names the path', () => {
    const result = validateEvent({ ...valid, data: { userId: valid.data.userId, name: null } });
    expect(result).toMatchObject({ ok: false, errors: expect.arrayContaining([expect.stringMatching(/^\/data\/email/)]) });
  });

  it('when the type is unknown, then it rejects the event', () => {
    expect(validateEvent({ ...valid, type: 'orderly.nope.v1' })).toMatchObject({ ok: false });
  });

  it('when the id is not a uuid or the time not a timestamp, then it rejects the event', () => {
    expect(validateEvent({ ...valid, id: 'abc' }).ok).toBe(false);
    expect(validateEvent({ ...valid, time: 'yesterday' }).ok).toBe(false);
  });

  it('when the value is not an object, then it rejects it', () => {
    expect(validateEvent('hello').ok).toBe(false);
    expect(validateEvent(null).ok).toBe(false);
  });
});
