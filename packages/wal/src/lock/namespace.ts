import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { bootId, INIT_PID_NAMESPACE, pidNamespace, procStat } from './identity.js';
import type { HolderState, LockOwner } from './owner.js';

/** The pid of `pid` as its innermost namespace numbers it (last `NSpid:` field), or null. */
function innermostPid(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const line = status.split('\n').find((l) => l.startsWith('NSpid:'));
    const last = line?.trim().split(/\s+/).at(-1);
    return last === undefined ? null : Number(last);
  } catch {
    return null;
  }
}

/**
 * Looks for the holder of a `LOCK` taken in another pid namespace of this boot, from the initial
 * pid namespace, which sees every process of the machine: the process whose namespace is
 * `owner.pidns` and which that namespace numbers `owner.pid`. Returns `null` where it cannot see
 * (this process is itself in a child namespace, another boot, or no `/proc`).
 */
export function findAcrossNamespaces(owner: LockOwner): HolderState | null {
  if (owner.pidns === null || pidNamespace() !== INIT_PID_NAMESPACE) return null;
  if (owner.boot !== null && owner.boot !== bootId()) return null;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return null;
  }
  for (const name of entries) {
    const pid = Number(name);
    let ns: string;
    try {
      ns = readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    if (ns !== owner.pidns || innermostPid(pid) !== owner.pid) continue;
    const stat = procStat(pid);
    if (stat === null || stat === 'missing') continue;
    const seen = `process ${owner.pid} of pid namespace ${owner.pidns} is process ${pid} here`;
    if (stat.state === 'Z' || stat.state === 'X') {
      return { kind: 'dead', why: `${seen}, and it has exited (a zombie, not yet reaped)` };
    }
    if (owner.start !== null && owner.start !== stat.start) {
      return { kind: 'dead', why: `${seen}, but a different process (another start time)` };
    }
    return { kind: 'alive', why: `${seen}, and it runs` };
  }
  return {
    kind: 'dead',
    why: `no process of this machine runs as pid ${owner.pid} in pid namespace ${owner.pidns} (this process is in the initial pid namespace and sees every process)`,
  };
}
