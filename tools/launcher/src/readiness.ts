/** Waits for instances to answer `GET /health/ready` with 200. */

export interface ReadinessTarget {
  label: string;
  url: string;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Stops waiting early (the launcher is shutting down). */
  signal?: AbortSignal;
  /** Called once for each target when it first answers 200. */
  onReady?: (target: ReadinessTarget) => void;
}

/** True when `<url>/health/ready` answers 200 within `timeoutMs`. */
export async function isReady(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Polls every target until all are ready, the deadline passes or `signal` aborts; returns those not ready. */
export async function waitUntilReady(targets: readonly ReadinessTarget[], options: WaitOptions): Promise<ReadinessTarget[]> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  let pending = [...targets];
  while (pending.length > 0 && !options.signal?.aborted) {
    const answers = await Promise.all(pending.map((t) => isReady(t.url)));
    for (const [i, target] of pending.entries()) if (answers[i]) options.onReady?.(target);
    pending = pending.filter((_, i) => !answers[i]);
    if (pending.length === 0 || Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  return pending;
}
