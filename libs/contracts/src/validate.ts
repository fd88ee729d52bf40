import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { CloudEventEnvelope, EventDataSchemas, type CloudEvent, type EventType } from './events.ts';

// TypeBox checks only the formats it is told about; these are the two the contracts use.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v));
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));

const envelopeCheck = TypeCompiler.Compile(CloudEventEnvelope);
const dataChecks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(EventDataSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

export type EventValidation =
  | { ok: true; event: CloudEvent }
  | { ok: false; errors: string[] };

export function isKnownEventType(type: string): type is EventType {
  return dataChecks.has(type);
}

/**
 * Checks a decoded message against the envelope and the schema of its type.
 * Unknown extra fields are accepted (additive changes are not breaking).
 */
export function validateEvent(value: unknown): EventValidation {
  if (!envelopeCheck.Check(value)) {
    return { ok: false, errors: [...envelopeCheck.Errors(value)].map((e) => `${e.path || '/'}: ${e.message}`) };
  }
  const check = dataChecks.get(value.type);
  if (!check) return { ok: false, errors: [`/type: unknown event type ${value.type}`] };
  if (!check.Check(value.data)) {
    return { ok: false, errors: [...check.Errors(value.data)].map((e) => `/data${e.path}: ${e.message}`) };
  }
  return { ok: true, event: value as CloudEvent };
}
