import { dataSchemaOf, EventTypes, validateEvent } from '@orderly/contracts';
import { buildEvent, eventMessage, parseEventMessage } from './index.ts';

const data = { userId: '0190f1d2-7b8a-7c3d-9e4f-0a1b2c3d4e50', email: 'a@b.co', name: null };

describe('buildEvent', () => {
  it('when given type, source, subject, data and a correlation id, then it fills a valid CloudEvent', () => {
    const event = buildEvent({ type: EventTypes.userRegistered, source: '/auth', subject: data.userId, data, correlationId: 'req-1' });
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'orderly.user.registered.v1',
      source: '/auth',
      subject: data.userId,
      datacontenttype: 'application/json',
      dataschema: dataSchemaOf(EventTypes.userRegistered),
      correlationid: 'req-1',
      data,
    });
    expect(Date.parse(event.time)).toBeGreaterThan(Date.now() - 5_000);
    expect(validateEvent(event).ok).toBe(true);
  });

  it('when no correlation id is given, then the attribute is absent', () => {
    const event = buildEvent({ type: EventTypes.userRegistered, source: '/auth', subject: data.userId, data, correlationId: undefined });
    expect(event).not.toHaveProperty('correlationid');
  });
});

describe('event messages', () => {
  it('when an event is encoded and decoded, then it round-trips and passes the contract', () => {
    const event = buildEvent({ type: EventTypes.userRegistered, source: '/auth', subject: data.userId, data });
    const { content, options } = eventMessage(event);
    expect(options).toMatchObject({ persistent: true, messageId: event.id, type: event.type, contentType: 'application/cloudevents+json', appId: '/auth' });
    expect(parseEventMessage(content)).toEqual({ ok: true, event });
  });

  it('when a well-formed event has a type these contracts do not know, then it is told apart from an invalid one', () => {
    const event = buildEvent({ type: EventTypes.userRegistered, source: '/auth', subject: data.userId, data });
    const future = { ...event, type: 'orderly.user.renamed.v1' };
    expect(parseEventMessage(Buffer.from(JSON.stringify(future)))).toMatchObject({ ok: false, reason: 'unknown-type', type: 'orderly.user.renamed.v1' });
    expect(parseEventMessage(Buffer.from(JSON.stringify({ ...future, id: 'x' })))).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('when the body is not JSON, then the error does not quote it', () => {
    const parsed = parseEventMessage(Buffer.from('{"email":"secret@example.com"'));
    expect(parsed).toMatchObject({ ok: false, reason: 'unparsable' });
    expect(JSON.stringify(parsed)).not.toContain('secret@example.com');
  });
});
