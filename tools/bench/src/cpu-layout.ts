/** Which CPUs the proxy under test gets, and which the load generator and the origin share. */

export interface CpuLayout {
  /** CPUs of the proxy under test (gateway, nginx, fast-gateway). */
  proxy: string | undefined;
  /** CPUs of the load generator and the origin. */
  load: string | undefined;
}

/** The last CPU for the proxy, the others for load generator and origin; no pinning on one CPU. */
export function cpuLayout(cpuCount: number, pin: boolean): CpuLayout {
  if (!pin || cpuCount < 2) return { proxy: undefined, load: undefined };
  const last = cpuCount - 1;
  return { proxy: String(last), load: last === 1 ? '0' : `0-${last - 1}` };
}
