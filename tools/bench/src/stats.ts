/** Small statistics over latency samples and rounds: nearest-rank percentiles and medians. */

/** Nearest-rank percentile (0 < p ≤ 100) of values sorted ascending; NaN when there are none. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100]; got ${p}`);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** The median of the values (mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = Math.floor(finite.length / 2);
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Summarises latency samples in milliseconds (sorts them in place). */
export function summariseLatencies(samples: Float64Array): LatencySummary {
  samples.sort();
  let sum = 0;
  for (const value of samples) sum += value;
  return {
    count: samples.length,
    meanMs: samples.length > 0 ? sum / samples.length : Number.NaN,
    p50Ms: percentileOfSorted(samples, 50),
    p90Ms: percentileOfSorted(samples, 90),
    p99Ms: percentileOfSorted(samples, 99),
    maxMs: samples.length > 0 ? samples[samples.length - 1]! : Number.NaN,
  };
}

/** A growable list of float samples without boxing every number. */
export class SampleBuffer {
  #values = new Float64Array(1 << 16);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#length++] = value;
  }

  get length(): number {
    return this.#length;
  }

  /** A copy of the samples so far. */
  toArray(): Float64Array {
    return this.#values.slice(0, this.#length);
  }
}
