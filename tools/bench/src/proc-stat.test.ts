import { parseMachineBusyTicks, parseProcStat, processTree, type ProcStat } from './proc-stat.ts';

// A real line of /proc/<pid>/stat (node), fields 14 and 15 (utime, stime) are 1234 and 567.
const NODE_LINE =
  '4242 (node) S 4200 4242 4200 0 -1 4194560 12000 0 3 0 1234 567 0 0 20 0 11 0 123456 1000000000 20000 18446744073709551615 1 1 0 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 0';

describe('parseProcStat', () => {
  it('when given a stat line, then pid, name, parent and user + system ticks are read', () => {
    expect(parseProcStat(NODE_LINE)).toEqual({ pid: 4242, comm: 'node', ppid: 4200, ticks: 1234 + 567 });
  });

  it('when the command name holds spaces and parentheses, then the fields after it are still found', () => {
    const line = NODE_LINE.replace('(node)', '(nginx: worker (x) process)');
    expect(parseProcStat(line)).toMatchObject({ comm: 'nginx: worker (x) process', ppid: 4200, ticks: 1801 });
  });

  it('when the line is not a stat line, then it throws', () => {
    expect(() => parseProcStat('garbage')).toThrow(/not a \/proc/);
  });
});

describe('parseMachineBusyTicks', () => {
  it('when given /proc/stat, then busy is user + nice + system + irq + softirq + steal of the aggregate line', () => {
    const procStat = 'cpu  100 2 30 5000 40 5 6 7 0 0\ncpu0 50 1 15 2500 20 2 3 3 0 0\nintr 1\n';
    expect(parseMachineBusyTicks(procStat)).toBe(100 + 2 + 30 + 5 + 6 + 7);
  });
});

describe('processTree', () => {
  it('when processes form a tree, then the root and all its descendants are listed, nothing else', () => {
    const p = (pid: number, ppid: number): ProcStat => ({ pid, ppid, comm: 'x', ticks: 0 });
    const processes = [p(1, 0), p(10, 1), p(11, 10), p(12, 10), p(13, 12), p(20, 1)];
    expect(processTree(10, processes).sort()).toEqual([10, 11, 12, 13]);
  });
});
