import { foldedStacks, packageOf, shortLocation, summariseProfile, type CpuProfile } from './cpu-profile.ts';

const ROOT = '/repo';
const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });

// (root) → onRequest (gateway) → verify (libs/auth-verify) → jwtVerify (jose); plus undici, GC and idle.
const profile: CpuProfile = {
  startTime: 1000,
  endTime: 2000,
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6, 7] },
    { id: 2, callFrame: frame('onRequest', 'file:///repo/gateway/src/auth.plugin.ts', 9), children: [3] },
    { id: 3, callFrame: frame('verify', 'file:///repo/libs/auth-verify/src/token-verifier.ts', 99), children: [4] },
    { id: 4, callFrame: frame('jwtVerify', 'file:///repo/node_modules/jose/dist/verify.js', 4) },
    { id: 5, callFrame: frame('request', 'file:///repo/node_modules/undici/lib/client.js', 1) },
    { id: 6, callFrame: frame('(garbage collector)', '') },
    { id: 7, callFrame: frame('(idle)', '') },
  ],
  samples: [2, 3, 4, 4, 5, 6, 7, 7],
  timeDeltas: [100, 100, 100, 100, 100, 100, 100, 100],
};

describe('shortLocation and packageOf', () => {
  it('when a frame is in node_modules, then its package (with scope) names it', () => {
    expect(shortLocation('file:///repo/node_modules/@fastify/reply-from/index.js', ROOT)).toBe('@fastify/reply-from/index.js');
    expect(packageOf(frame('f', 'file:///repo/node_modules/@fastify/reply-from/index.js'), ROOT)).toBe('@fastify/reply-from');
    expect(packageOf(frame('f', 'file:///repo/node_modules/undici/lib/x.js'), ROOT)).toBe('undici');
  });

  it('when a frame is ours, a Node internal, native or special, then it gets that bucket', () => {
    expect(packageOf(frame('f', 'file:///repo/gateway/src/app.ts'), ROOT)).toBe('gateway');
    expect(packageOf(frame('f', 'file:///repo/libs/service-kit/src/app.ts'), ROOT)).toBe('libs/service-kit');
    expect(packageOf(frame('f', 'node:events'), ROOT)).toBe('node:events');
    expect(packageOf(frame('f', 'node:internal/streams/readable'), ROOT)).toBe('node:internal/streams');
    expect(packageOf(frame('writev', ''), ROOT)).toBe('(native)');
    expect(packageOf(frame('(garbage collector)', ''), ROOT)).toBe('(garbage collector)');
  });
});

describe('summariseProfile', () => {
  const summary = summariseProfile(profile, ROOT);

  it('when summarised, then idle time is apart and shares are of the busy time', () => {
    expect(summary.totalMs).toBeCloseTo(0.8);
    expect(summary.idleMs).toBeCloseTo(0.2);
    expect(summary.busyMs).toBeCloseTo(0.6);
  });

  it('when summarised, then self time goes to the function that was running', () => {
    expect(summary.selfByFunction[0]).toMatchObject({ name: 'jwtVerify jose/dist/verify.js:5', ms: 0.2 });
    expect(summary.selfByFunction[0]!.share).toBeCloseTo(1 / 3);
    expect(summary.selfByPackage.map((e) => e.name)).toEqual(['jose', 'gateway', 'libs/auth-verify', 'undici', '(garbage collector)']);
  });

  it('when summarised, then inclusive time counts a sample for every package and own function on its stack', () => {
    const gateway = summary.inclusiveByPackage.find((e) => e.name === 'gateway');
    expect(gateway?.ms).toBeCloseTo(0.4);
    expect(summary.inclusiveOwnFunctions.map((e) => e.name)).toEqual([
      'onRequest gateway/src/auth.plugin.ts:10',
      'verify libs/auth-verify/src/token-verifier.ts:100',
    ]);
    expect(summary.inclusiveOwnFunctions[0]!.ms).toBeCloseTo(0.4);
    expect(summary.inclusiveOwnFunctions[1]!.ms).toBeCloseTo(0.3);
  });
});

describe('windows and folded stacks', () => {
  it('when a window is given, then only samples taken inside it count', () => {
    // Sample i is taken at 1000 + 100 × (i + 1) µs: the window [1250, 1450) holds samples 2 and 3 (both jwtVerify).
    const summary = summariseProfile(profile, ROOT, { fromUs: 1250, toUs: 1450 });
    expect(summary.busyMs).toBeCloseTo(0.2);
    expect(summary.selfByPackage.map((e) => e.name)).toEqual(['jose']);
  });

  it('when folded, then each stack is listed once root first with its time, idle left out', () => {
    const lines = foldedStacks(profile, ROOT).trim().split('\n').sort();
    expect(lines).toEqual([
      '(garbage collector) 100',
      'onRequest gateway/src/auth.plugin.ts:10 100',
      'onRequest gateway/src/auth.plugin.ts:10;verify libs/auth-verify/src/token-verifier.ts:100 100',
      'onRequest gateway/src/auth.plugin.ts:10;verify libs/auth-verify/src/token-verifier.ts:100;jwtVerify jose/dist/verify.js:5 200',
      'request undici/lib/client.js:2 100',
    ]);
  });
});
