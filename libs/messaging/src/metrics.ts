/**
 * The library's Prometheus metrics, registered in the registry the service passes (never the
 * global one). Several relays or consumers may share one registry: each metric is created once
 * and gauges read on scrape collect from every source registered for them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface MessagingMetrics {
  published: Counter<never>;
  publishFailures: Counter<'reason'>;
  processed: Counter<'queue' | 'type'>;
  duplicates: Counter<'queue'>;
  retries: Counter<'queue' | 'type'>;
  deadLettered: Counter<'queue' | 'reason'>;
  handlerSeconds: Histogram<'queue' | 'type'>;
  eventAgeSeconds: Histogram<'queue' | 'type'>;
}

type Source<L extends string> = (gauge: Gauge<L>) => Promise<void>;
const gaugeSources = new WeakMap<object, Set<Source<string>>>();

function existing<M>(registry: Registry, name: string): M | undefined {
  return registry.getSingleMetric(name) as M | undefined;
}

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Counter<L> {
  return existing<Counter<L>>(registry, name) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

export function messagingMetrics(registry: Registry): MessagingMetrics {
  return {
    published: counter(registry, 'orderly_outbox_published_total', 'Outbox events published and confirmed by the broker', []),
    publishFailures: counter(
      registry,
      'orderly_outbox_publish_failures_total',
      'Outbox publish attempts that failed (unroutable, nacked, connection)',
      ['reason'],
    ),
    processed: counter(registry, 'orderly_consumer_processed_total', 'Events applied by a consumer', ['queue', 'type']),
    duplicates: counter(registry, 'orderly_consumer_duplicates_total', 'Redelivered events already in the inbox, acked without effect', ['queue']),
    retries: counter(registry, 'orderly_consumer_retries_total', 'Failed events sent to a retry queue', ['queue', 'type']),
    deadLettered: counter(registry, 'orderly_consumer_dead_lettered_total', 'Events sent to the dead-letter queue', ['queue', 'reason']),
    handlerSeconds:
      existing<Histogram<'queue' | 'type'>>(registry, 'orderly_consumer_handler_duration_seconds') ??
      new Histogram({
        name: 'orderly_consumer_handler_duration_seconds',
        help: 'Time to process one event (transaction included)',
        labelNames: ['queue', 'type'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    eventAgeSeconds:
      existing<Histogram<'queue' | 'type'>>(registry, 'orderly_consumer_event_age_seconds') ??
      new Histogram({
        name: 'orderly_consumer_event_age_seconds',
        help: 'Time from the event (its `time`) to its processing by a consumer: end-to-end lag',
        labelNames: ['queue', 'type'],
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
        registers: [registry],
      }),
  };
}

/**
 * A gauge whose value is read on scrape by `source`; returns the function that unregisters the
 * source. A failing or slow source leaves the previous value (it never fails the scrape).
 */
export function collectGauge<L extends string>(
  registry: Registry,
  config: { name: string; help: string; labelNames: L[] },
  source: Source<L>,
): () => void {
  let gauge = existing<Gauge<L>>(registry, config.name);
  if (!gauge) {
    const sources = new Set<Source<string>>();
    gauge = new Gauge<L>({
      ...config,
      registers: [registry],
      async collect() {
        await Promise.all([...sources].map((s) => s(this as Gauge<string>).catch(() => undefined)));
      },
    });
    gaugeSources.set(gauge, sources);
  }
  const sources = gaugeSources.get(gauge);
  if (!sources) throw new Error(`Metric ${config.name} is already registered by someone else`);
  sources.add(source as Source<string>);
  return () => sources.delete(source as Source<string>);
}
