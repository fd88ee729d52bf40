/**
 * What the profiled gateway allocated and how long it paused for garbage collection in a window
 * (see gateway-probe.ts): allocated bytes by package and by function from V8's sampling heap
 * profile (objects already collected included, so this is the allocation rate, not what is live),
 * and GC pauses by kind.
 */
import { functionKey, packageOf, type CpuProfileNode } from './cpu-profile.ts';
import { median } from './stats.ts';

export interface HeapProfileNode {
  callFrame: CpuProfileNode['callFrame'];
  /** Bytes sampled as allocated by this frame itself. */
  selfSize: number;
  children: HeapProfileNode[];
}

export interface ByteEntry {
  name: string;
  bytes: number;
}

export interface AllocationSummary {
  totalBytes: number;
  byPackage: ByteEntry[];
  byFunction: ByteEntry[];
  /** Bytes allocated below each of our own functions (gateway/, libs/), counted once per stack. */
  inclusiveOwnFunctions: ByteEntry[];
}

const OWN = /^(gateway|services\/[^/]+|libs\/[^/]+)$/;

const sortedBytes = (map: Map<string, number>): ByteEntry[] =>
  [...map.entries()].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => ({ name, bytes }));

export function summariseAllocations(head: HeapProfileNode, repoRoot: string): AllocationSummary {
  let totalBytes = 0;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const walk = (node: HeapProfileNode, own: readonly string[]) => {
    const frame = node.callFrame;
    const key = functionKey(frame, repoRoot);
    const pkg = packageOf(frame, repoRoot);
    const stack = OWN.test(pkg) && !own.includes(key) ? [...own, key] : own;
    if (node.selfSize > 0) {
      totalBytes += node.selfSize;
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + node.selfSize);
      byFunction.set(key, (byFunction.get(key) ?? 0) + node.selfSize);
      for (const f of stack) inclusive.set(f, (inclusive.get(f) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, stack);
  };
  walk(head, []);
  return { totalBytes, byPackage: sortedBytes(byPackage), byFunction: sortedBytes(byFunction), inclusiveOwnFunctions: sortedBytes(inclusive) };
}

export interface GcSummary {
  /** Pauses by kind: how many, their total and longest (ms), the median of scavenges. */
  kinds: Array<{ kind: string; count: number; totalMs: number; maxMs: number; medianMs: number }>;
  totalMs: number;
}

export function summariseGc(pauses: ReadonlyArray<{ kind: string; ms: number }>): GcSummary {
  const groups = new Map<string, number[]>();
  for (const p of pauses) groups.set(p.kind, [...(groups.get(p.kind) ?? []), p.ms]);
  const kinds = [...groups.entries()]
    .map(([kind, ms]) => ({
      kind,
      count: ms.length,
      totalMs: ms.reduce((a, b) => a + b, 0),
      maxMs: Math.max(...ms),
      medianMs: median(ms),
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
  return { kinds, totalMs: kinds.reduce((a, k) => a + k.totalMs, 0) };
}
