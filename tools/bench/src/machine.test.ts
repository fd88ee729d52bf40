import { cpuModelFrom, memoryFrom, osFrom } from './machine.ts';

describe('machine descriptions', () => {
  it('when /proc/cpuinfo is read, then the first model name is the CPU', () => {
    expect(cpuModelFrom('processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n')).toBe('AMD EPYC 7B13');
    expect(cpuModelFrom('')).toBeUndefined();
  });

  it('when /proc/meminfo is read, then MemTotal is shown in GiB', () => {
    expect(memoryFrom('MemTotal:       24576000 kB\nMemFree: 1 kB\n')).toBe('23.4 GiB');
  });

  it('when /etc/os-release is read, then PRETTY_NAME names the system', () => {
    expect(osFrom('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe('Debian GNU/Linux 12 (bookworm)');
  });
});
