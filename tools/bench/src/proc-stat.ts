/**
 * CPU time of processes from /proc/<pid>/stat (Linux): user + system clock ticks, summed over a
 * process and its children (nginx's master and workers), read before and after a round.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name is in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the last `)`: after it come state (3), ppid
 * (4) … utime (14), stime (15) in proc(5) numbering.
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 1 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(line.slice(0, 80))}`);
  const fields = line.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state).
  const field = (n: number): number => {
    const value = Number(fields[n - 3]);
    if (!Number.isInteger(value)) throw new Error(`field ${n} of /proc/<pid>/stat is not an integer: ${JSON.stringify(fields[n - 3])}`);
    return value;
  };
  return {
    pid: Number(line.slice(0, open).trim()),
    comm: line.slice(open + 1, close),
    ppid: field(4),
    ticks: field(14) + field(15),
  };
}

/** The stat of a live process, or undefined when it is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every process on the machine (those readable now). */
export function listProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** The pid and all its descendants among `processes`. */
export function processTree(rootPid: number, processes: readonly ProcStat[]): number[] {
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const p of processes) if (p.ppid === tree[i] && !tree.includes(p.pid)) tree.push(p.pid);
  }
  return tree;
}

/** The command line of a process (arguments joined by spaces), or '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** The first descendant of `rootPid` whose command line contains `fragment`. */
export function findDescendant(rootPid: number, fragment: string): number | undefined {
  return processTree(rootPid, listProcesses())
    .slice(1)
    .find((pid) => commandLine(pid).includes(fragment));
}

/** Sum of user + system ticks of the pids still alive. */
export function ticksOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readProcStat(pid)?.ticks ?? 0;
  return ticks;
}

let clockTicksPerSecond: number | undefined;

/** USER_HZ (`getconf CLK_TCK`), 100 on practically every Linux. */
export function clockTicks(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/**
 * Busy ticks of the whole machine from the first line of /proc/stat
 * (`cpu user nice system idle iowait irq softirq steal …`): everything but idle and iowait.
 */
export function parseMachineBusyTicks(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('no aggregate cpu line in /proc/stat');
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** CPU seconds the whole machine was busy since the previous call (all CPUs summed). */
export function machineMeter(): CpuMeter {
  const read = () => parseMachineBusyTicks(readFileSync('/proc/stat', 'utf8'));
  let last = read();
  return {
    lap() {
      const now = read();
      const seconds = (now - last) / clockTicks();
      last = now;
      return seconds;
    },
  };
}

/** Tracks the CPU time of a process tree (re-reading its children, e.g. nginx workers, each time). */
export interface CpuMeter {
  /** CPU seconds used since the previous call (or since the meter was made). */
  lap(): number;
}

export function cpuMeter(rootPid: number): CpuMeter {
  const read = () => ticksOf(processTree(rootPid, listProcesses()));
  let last = read();
  return {
    lap() {
      const now = read();
      const seconds = (now - last) / clockTicks();
      last = now;
      return seconds;
    },
  };
}
