import { dataSchemaOf, type CloudEvent, type EventDataMap, type EventType } from '@orderly/contracts';
import { uuidv7 } from '@orderly/postgres';

export interface BuildEventInput<T extends EventType> {
  type: T;
  /** The producing service, e.g. `/orders`. */
  source: string;
  /** The aggregate id; events of one subject are published in the order they were enqueued. */
  subject: string;
  data: EventDataMap[T];
  /** The request id that caused the event (`correlationid`); omitted when absent. */
  correlationId?: string | undefined;
  /** Defaults to a new UUID v7. */
  id?: string;
  /** Defaults to now. */
  time?: Date;
}

/** A CloudEvents 1.0 envelope for `data`, with id, time, specversion, content type and schema filled in. */
export function buildEvent<T extends EventType>(input: BuildEventInput<T>): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: input.id ?? uuidv7(),
    source: input.source,
    type: input.type,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    subject: input.subject,
    dataschema: dataSchemaOf(input.type),
    ...(input.correlationId ? { correlationid: input.correlationId } : {}),
    data: input.data,
  };
}
