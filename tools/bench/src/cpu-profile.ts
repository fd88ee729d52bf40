/**
 * Where a process's time went, from a V8 .cpuprofile (node --cpu-prof), optionally only between
 * two instants (profile timestamps are CLOCK_MONOTONIC µs, the clock of process.hrtime, so a
 * window measured by another process on the machine applies): self time per function and per
 * package (our projects, each npm package, each Node core module, GC), inclusive time per package
 * and per function of our own code (a sample counted once per package or function on its stack),
 * and folded stacks for flame graphs.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** µs, CLOCK_MONOTONIC. */
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
  /** Each list is sorted, largest first, complete. */
  selfByFunction: TimeEntry[];
  selfByPackage: TimeEntry[];
  /** Each sample counted once for every package on its stack. */
  inclusiveByPackage: TimeEntry[];
  /** Inclusive time of functions in our projects (gateway/, services/, libs/), the map of our hot path. */
  inclusiveOwnFunctions: TimeEntry[];
}

/** Only samples taken in [fromUs, toUs) count. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
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

/**
 * The bucket of a frame: a special V8 state, `(native)`, a Node core module (`node:_http_outgoing`,
 * `node:internal/streams`), an npm package, or one of our projects.
 */
export function packageOf(frame: CpuProfileNode['callFrame'], repoRoot: string): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  if (frame.url === '') return '(native)';
  if (frame.url.startsWith('node:')) {
    const parts = frame.url.slice('node:'.length).split('/');
    return `node:${parts[0] === 'internal' && parts.length > 2 ? `internal/${parts[1]}` : parts[0]}`;
  }
  const location = shortLocation(frame.url, repoRoot);
  if (frame.url.includes('/node_modules/')) {
    const parts = location.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const ours = /^(gateway|services\/[^/]+|libs\/[^/]+|tools\/[^/]+)\//.exec(location);
  return ours ? ours[1]! : location;
}

export function functionKey(frame: CpuProfileNode['callFrame'], repoRoot: string): string {
  if (SPECIAL.has(frame.functionName) || frame.url === '') return frame.functionName || '(anonymous)';
  return `${frame.functionName || '(anonymous)'} ${shortLocation(frame.url, repoRoot)}:${frame.lineNumber + 1}`;
}

function sorted(map: Map<string, number>, busyMs: number): TimeEntry[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, ms: us / 1000, share: busyMs > 0 ? us / 1000 / busyMs : 0 }));
}

/** The node id and duration (µs) of every sample inside the window. */
function samplesIn(profile: CpuProfile, window: ProfileWindow | undefined): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window === undefined || (at >= window.fromUs && at < window.toUs)) out.push([profile.samples[i]!, delta]);
  }
  return out;
}

function indexProfile(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  return { byId, parent };
}

export function summariseProfile(profile: CpuProfile, repoRoot: string, window?: ProfileWindow): ProfileSummary {
  const { byId, parent } = indexProfile(profile);
  const self = new Map<number, number>();
  for (const [id, us] of samplesIn(profile, window)) self.set(id, (self.get(id) ?? 0) + us);

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
    selfByFunction: sorted(selfByFunction, busyMs),
    selfByPackage: sorted(selfByPackage, busyMs),
    inclusiveByPackage: sorted(inclusivePackages, busyMs),
    inclusiveOwnFunctions: sorted(inclusiveOwn, busyMs),
  };
}

/**
 * Folded stacks (`root;caller;callee <µs>` per line), the input of flamegraph.pl, speedscope and
 * most flame graph viewers; idle samples are left out.
 */
export function foldedStacks(profile: CpuProfile, repoRoot: string, window?: ProfileWindow): string {
  const { byId, parent } = indexProfile(profile);
  const stacks = new Map<number, string>();
  const stackOf = (id: number): string => {
    const known = stacks.get(id);
    if (known !== undefined) return known;
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.functionName !== '(root)') frames.push(functionKey(frame, repoRoot).replace(/;/g, ','));
    }
    const stack = frames.reverse().join(';');
    stacks.set(id, stack);
    return stack;
  };
  const totals = new Map<string, number>();
  for (const [id, us] of samplesIn(profile, window)) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const stack = stackOf(id);
    totals.set(stack, (totals.get(stack) ?? 0) + us);
  }
  return [...totals.entries()].map(([stack, us]) => `${stack} ${Math.round(us)}`).join('\n') + '\n';
}
