/** CloudEvents over AMQP in structured mode: the message body is the whole event as JSON. */
import { Value } from '@sinclair/typebox/value';
import { CloudEventEnvelope, isKnownEventType, validateEvent, type CloudEvent } from '@orderly/contracts';
import type { PublishOptions } from './amqp-session.ts';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

interface EventAttributes {
  id: string;
  type: string;
  source?: unknown;
  time?: unknown;
  correlationid?: unknown;
}

/** Body and properties of a persistent message carrying `event` (message id = event id). */
export function eventMessage(event: EventAttributes): { content: Buffer; options: PublishOptions } {
  const correlationId = typeof event.correlationid === 'string' ? event.correlationid : undefined;
  const time = typeof event.time === 'string' ? Date.parse(event.time) : Number.NaN;
  return {
    content: Buffer.from(JSON.stringify(event)),
    options: {
      persistent: true,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      messageId: event.id,
      type: event.type,
      ...(typeof event.source === 'string' ? { appId: event.source } : {}),
      ...(Number.isNaN(time) ? {} : { timestamp: Math.floor(time / 1000) }),
      ...(correlationId ? { correlationId, headers: { correlationid: correlationId } } : {}),
    },
  };
}

/**
 * `unknown-type`: a well-formed event of a type this version's contracts do not know yet (e.g. a
 * newer producer or a newer consumer instance bound it during a rolling deploy).
 */
export type ParsedEvent =
  | { ok: true; event: CloudEvent }
  | { ok: false; reason: 'unparsable' | 'invalid'; errors: string[] }
  | { ok: false; reason: 'unknown-type'; type: string; errors: string[] };

/** Decodes a message body and checks it against the contract. */
export function parseEventMessage(content: Buffer): ParsedEvent {
  let value: unknown;
  try {
    value = JSON.parse(content.toString('utf8'));
  } catch {
    // Not the parser's message: it quotes the body, which may hold personal data.
    return { ok: false, reason: 'unparsable', errors: ['the body is not valid UTF-8 JSON'] };
  }
  const validation = validateEvent(value);
  if (validation.ok) return validation;
  if (Value.Check(CloudEventEnvelope, value) && !isKnownEventType(value.type)) {
    return { ok: false, reason: 'unknown-type', type: value.type, errors: validation.errors };
  }
  return { ok: false, reason: 'invalid', errors: validation.errors };
}
