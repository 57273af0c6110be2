import { readFileSync, readlinkSync } from 'node:fs';

/**
 * The inode of the initial pid namespace (`PROC_PID_INIT_INO` in Linux): a process in it sees
 * every process of the machine, those of containers included.
 */
export const INIT_PID_NAMESPACE = 'pid:[4026531836]';

/** What `/proc/<pid>/stat` says about a process: its state letter and its start time. */
export interface ProcStat {
  /** `R`, `S`, `D`, ..., `Z` (zombie: dead, not yet reaped), `X` (dead). */
  readonly state: string;
  /** Field 22, the start time in clock ticks since boot: tells a reused pid apart. */
  readonly start: string;
}

/** `/proc/<pid>/stat` of `pid`, `'missing'` if no such process, `null` where `/proc` is absent. */
export function procStat(pid: number): ProcStat | 'missing' | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return procAvailable() ? 'missing' : null;
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const start = fields[19]; // field 22 overall is the 20th after the name
  if (state === undefined || start === undefined) return null;
  return { state, start };
}

/** Whether this process can read `/proc` (Linux) at all. */
function procAvailable(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** The start time of process `pid` from `/proc`, or `null` where `/proc` is not available. */
export function processStartTime(pid: number): string | null {
  const stat = procStat(pid);
  return stat === null || stat === 'missing' ? null : stat.start;
}

/** `/proc/sys/kernel/random/boot_id`: changes on every boot, differs between machines. */
export function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim() || null;
  } catch {
    return null;
  }
}

/** This process's pid namespace, as `readlink /proc/self/ns/pid` (`pid:[<inode>]`), or null. */
export function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

/**
 * `/etc/machine-id`: set once per installed system and kept across boots, or `null` where it is
 * missing or empty (some container images). Tells "this machine before a restart" apart from
 * another machine that happens to share the host name.
 */
export function machineId(): string | null {
  try {
    return readFileSync('/etc/machine-id', 'latin1').trim() || null;
  } catch {
    return null;
  }
}
