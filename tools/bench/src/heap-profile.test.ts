import { summariseAllocations, summariseGc, type HeapProfileNode } from './heap-profile.ts';

const ROOT = '/repo';
const node = (functionName: string, url: string, selfSize: number, children: HeapProfileNode[] = []): HeapProfileNode => ({
  callFrame: { functionName, url, lineNumber: 0 },
  selfSize,
  children,
});

describe('summariseAllocations', () => {
  // (root) → onRequest (gateway) → helmet (npm) allocates 300; onRequest itself 100; undici at top level 600.
  const head = node('(root)', '', 0, [
    node('onRequest', 'file:///repo/gateway/src/app.ts', 100, [node('parseDirectives', 'file:///repo/node_modules/helmet/index.cjs', 300)]),
    node('execute', 'file:///repo/node_modules/undici/lib/client.js', 600),
  ]);
  const summary = summariseAllocations(head, ROOT);

  it('when summarised, then bytes are totalled by package and by function', () => {
    expect(summary.totalBytes).toBe(1000);
    expect(summary.byPackage).toEqual([
      { name: 'undici', bytes: 600 },
      { name: 'helmet', bytes: 300 },
      { name: 'gateway', bytes: 100 },
    ]);
    expect(summary.byFunction[0]).toEqual({ name: 'execute undici/lib/client.js:1', bytes: 600 });
  });

  it('when summarised, then our functions are charged for what is allocated below them', () => {
    expect(summary.inclusiveOwnFunctions).toEqual([{ name: 'onRequest gateway/src/app.ts:1', bytes: 400 }]);
  });
});

describe('summariseGc', () => {
  it('when pauses are given, then they are grouped by kind with count, total, longest and median', () => {
    const gc = summariseGc([
      { kind: 'scavenge', ms: 1 },
      { kind: 'scavenge', ms: 3 },
      { kind: 'scavenge', ms: 30 },
      { kind: 'mark-compact', ms: 10 },
    ]);
    expect(gc.totalMs).toBe(44);
    expect(gc.kinds[0]).toEqual({ kind: 'scavenge', count: 3, totalMs: 34, maxMs: 30, medianMs: 3 });
    expect(gc.kinds[1]).toMatchObject({ kind: 'mark-compact', count: 1 });
  });
});
