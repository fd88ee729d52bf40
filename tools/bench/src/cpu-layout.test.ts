import { cpuLayout } from './cpu-layout.ts';

describe('cpuLayout', () => {
  it('when there are two CPUs, then the proxy gets CPU 1 and the load generator CPU 0', () => {
    expect(cpuLayout(2, true)).toEqual({ proxy: '1', load: '0' });
  });

  it('when there are more, then the proxy gets the last and the load generator all the others', () => {
    expect(cpuLayout(8, true)).toEqual({ proxy: '7', load: '0-6' });
  });

  it('when pinning is off or there is one CPU, then nothing is pinned', () => {
    expect(cpuLayout(8, false)).toEqual({ proxy: undefined, load: undefined });
    expect(cpuLayout(1, true)).toEqual({ proxy: undefined, load: undefined });
  });
});
