/**
 * Where a process's time went, from a V8 .cpuprofile (node --cpu-prof): self time per function
 * and per package (our code, each npm package, Node internals, GC), and inclusive time per package
 * and per function of our own code (each sample counted once per package or function on its stack).
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

export interface TimeEntry {
  name: string;
  ms: number;
  /** Share of the busy (non-idle) time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  busyMs: number;
  selfByFunction: TimeEntry[];
  selfByPackage: TimeEntry[];
  /** Each sample counted once for every package on its stack. */
  inclusiveByPackage: TimeEntry[];
  /** Inclusive time of functions in our projects (gateway/, services/, libs/), the map of our hot path. */
  inclusiveOwnFunctions: TimeEntry[];
}

const OWN = /^(gateway|services\/[^/]+|libs\/[^/]+)$/;
const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** A readable place for a script URL: `fastify/lib/route.js`, `gateway/src/app.ts`, `node:internal/…`. */
export function shortLocation(url: string, repoRoot: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules !== -1) return path.slice(modules + '/node_modules/'.length);
  const root = repoRoot.endsWith('/') ? repoRoot : `${repoRoot}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

/** The bucket of a frame: a special V8 state, `node (internals)`, an npm package, or one of our projects. */
export function packageOf(frame: CpuProfileNode['callFrame'], repoRoot: string): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  if (frame.url === '') return '(native)';
  if (frame.url.startsWith('node:')) return 'node (internals)';
  const location = shortLocation(frame.url, repoRoot);
  const modules = frame.url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const parts = location.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const ours = /^(gateway|services\/[^/]+|libs\/[^/]+|tools\/[^/]+)\//.exec(location);
  return ours ? ours[1]! : location;
}

function functionKey(frame: CpuProfileNode['callFrame'], repoRoot: string): string {
  if (SPECIAL.has(frame.functionName) || frame.url === '') return frame.functionName || '(anonymous)';
  return `${frame.functionName || '(anonymous)'} ${shortLocation(frame.url, repoRoot)}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, busyMs: number, limit: number): TimeEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, ms: us / 1000, share: busyMs > 0 ? us / 1000 / busyMs : 0 }));
}

export function summariseProfile(profile: CpuProfile, repoRoot: string, limit = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }

  let totalUs = 0;
  let idleUs = 0;
  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusiveOwn = new Map<string, number>();
  const inclusivePackages = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const key = functionKey(frame, repoRoot);
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + us);
    const pkg = packageOf(frame, repoRoot);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + us);
    const seenFunctions = new Set<string>();
    const seenPackages = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const stackFrame = byId.get(at)!.callFrame;
      if (stackFrame.functionName === '(root)') continue;
      const stackPackage = packageOf(stackFrame, repoRoot);
      if (!seenPackages.has(stackPackage)) {
        seenPackages.add(stackPackage);
        inclusivePackages.set(stackPackage, (inclusivePackages.get(stackPackage) ?? 0) + us);
      }
      if (!OWN.test(stackPackage)) continue;
      const stackKey = functionKey(stackFrame, repoRoot);
      if (seenFunctions.has(stackKey)) continue;
      seenFunctions.add(stackKey);
      inclusiveOwn.set(stackKey, (inclusiveOwn.get(stackKey) ?? 0) + us);
    }
  }
  const busyMs = (totalUs - idleUs) / 1000;
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    busyMs,
    selfByFunction: top(selfByFunction, busyMs, limit),
    selfByPackage: top(selfByPackage, busyMs, limit),
    inclusiveByPackage: top(inclusivePackages, busyMs, limit),
    inclusiveOwnFunctions: top(inclusiveOwn, busyMs, limit),
  };
}
