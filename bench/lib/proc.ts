// What Linux says about a process: CPU time from /proc/<pid>/stat, memory from /proc/<pid>/status.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Clock ticks per second (`getconf CLK_TCK`), the unit of utime/stime in /proc/<pid>/stat. */
export async function readClockTicks(): Promise<number> {
  const { stdout } = await run('getconf', ['CLK_TCK'], {
    timeout: 5_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  const ticks = Number(stdout.trim());
  if (!Number.isFinite(ticks) || ticks <= 0) throw new Error(`getconf CLK_TCK said "${stdout}"`);
  return ticks;
}

/** User plus system CPU time of `pid` so far, in milliseconds. */
export async function readCpuMs(pid: number, clockTicks: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14 and stime 15 (1-based, whole line).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`/proc/${pid}/stat: no utime/stime in "${stat.slice(0, 120)}"`);
  return ((utime + stime) * 1000) / clockTicks;
}

export type Memory = {
  /** Resident set size now (VmRSS), MiB. */
  readonly rssMiB: number;
  /** Peak resident set size since start (VmHWM), MiB. */
  readonly peakRssMiB: number;
};

export async function readMemory(pid: number): Promise<Memory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
    return Number(m[1]);
  };
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/** Open file descriptors of `pid` (the entries of /proc/<pid>/fd). */
export async function countFds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** Processes whose parent is `pid` now (git, kustomize and the like), from /proc/<n>/stat. */
export async function countChildren(pid: number): Promise<number> {
  let children = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 (ppid) is the second after "(comm)".
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children++;
  }
  return children;
}
