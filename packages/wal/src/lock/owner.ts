import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { bootId, INIT_PID_NAMESPACE, machineId, pidNamespace, procStat } from './identity.js';

/** Who holds a log directory, as written in its `LOCK` file. */
export interface LockOwner {
  readonly pid: number;
  /** The process's start time (field 22 of `/proc/<pid>/stat`), or `null` where unknown. */
  readonly start: string | null;
  /** The host name, for people only: it tells machines apart no better than it is kept unique. */
  readonly host: string;
  /** The kernel's boot id where the lock was taken, or `null` (no `/proc`, or an older `LOCK`). */
  readonly boot: string | null;
  /** The pid namespace (`pid:[<inode>]`) the pid belongs to, or `null` (as for `boot`). */
  readonly pidns: string | null;
  /** `/etc/machine-id` where the lock was taken, or `null` (none there, or an older `LOCK`). */
  readonly machine: string | null;
  /** Random per hold: tells this process's own holds apart from a leftover of an earlier one. */
  readonly token: string | null;
}

/**
 * What can be said about a `LOCK`'s holder from here:
 * - `self`: this very process (same pid, start time, namespace and boot);
 * - `alive`: another process that runs now, where this process can see it;
 * - `dead`: its process is gone (no such pid, a zombie, or the pid now runs another process);
 * - `foreign`: it ran in another pid namespace, another boot or on another host, where its pid
 *   means nothing here: nobody can tell from here whether it still runs.
 */
export type HolderState =
  | { readonly kind: 'self' }
  | { readonly kind: 'alive'; readonly why?: string }
  | { readonly kind: 'dead'; readonly why: string }
  | { readonly kind: 'foreign'; readonly why: string };

/** This process as a lock holder, with a fresh token. */
export function currentOwner(): LockOwner {
  const stat = procStat(process.pid);
  return {
    pid: process.pid,
    start: stat === null || stat === 'missing' ? null : stat.start,
    host: hostname(),
    boot: bootId(),
    pidns: pidNamespace(),
    machine: machineId(),
    token: randomUUID(),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Reads a `LOCK` file's bytes; `null` if it is torn or not a lock (e.g. empty after a crash). */
export function parseOwner(bytes: Uint8Array): LockOwner | null {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<
      Record<keyof LockOwner, unknown>
    >;
    if (typeof value.pid !== 'number' || !Number.isSafeInteger(value.pid)) return null;
    return {
      pid: value.pid,
      start: text(value.start),
      host: text(value.host) ?? '(unknown host)',
      boot: text(value.boot),
      pidns: text(value.pidns),
      machine: text(value.machine),
      token: text(value.token),
    };
  } catch {
    return null;
  }
}

/** The bytes of a `LOCK` file naming `owner`. */
export function encodeOwner(owner: LockOwner): Uint8Array {
  return Buffer.from(`${JSON.stringify(owner)}\n`);
}

/** `owner` for a person: pid, host, namespace and boot. */
export function describeOwner(owner: LockOwner): string {
  const where = [
    `on host ${owner.host}`,
    owner.pidns === null ? null : `in pid namespace ${owner.pidns}`,
    owner.boot === null ? null : `boot ${owner.boot}`,
  ].filter((part) => part !== null);
  return `process ${owner.pid} ${where.join(', ')}`;
}

/**
 * Judges `owner` from this process. A `LOCK` without `boot`/`pidns` (written by an older version)
 * is judged by its pid alone, as that version did.
 */
export function assessOwner(owner: LockOwner): HolderState {
  const here = { boot: bootId(), pidns: pidNamespace() };
  if (owner.boot !== null && here.boot !== null && owner.boot !== here.boot) {
    if (earlierBootOfThisMachine(owner, here.pidns)) {
      return {
        kind: 'dead',
        why: `this machine (host ${owner.host}, the same machine id) has restarted since boot ${owner.boot} took the lock, so no process of that boot runs`,
      };
    }
    return {
      kind: 'foreign',
      why: `it was taken on host ${owner.host} in boot ${owner.boot}, and this process runs in boot ${here.boot} (another machine, or this one before a restart)`,
    };
  }
  if (owner.pidns !== null && here.pidns !== null && owner.pidns !== here.pidns) {
    return {
      kind: 'foreign',
      why: `it was taken in pid namespace ${owner.pidns} (another container, say), and this process runs in ${here.pidns}, where pid ${owner.pid} is another process or none`,
    };
  }
  const stat = procStat(owner.pid);
  if (stat === null) return pidAnswers(owner.pid) ? sameOrAlive(owner) : gone(owner);
  if (stat === 'missing') return gone(owner);
  if (stat.state === 'Z' || stat.state === 'X') {
    return { kind: 'dead', why: `process ${owner.pid} has exited (a zombie, not yet reaped)` };
  }
  if (owner.start !== null && owner.start !== stat.start) {
    return {
      kind: 'dead',
      why: `pid ${owner.pid} now runs another process (started at ${stat.start}, not ${owner.start})`,
    };
  }
  return sameOrAlive(owner);
}

/**
 * Whether `owner` was this very machine before a restart, proven as far as it can be from here:
 * the same host name and machine id, and both holds in the initial pid namespace (a container's
 * namespace gets a new number after a restart, so a container's old lock stays `foreign`). A
 * `LOCK` without a machine id (an older version, or an image without `/etc/machine-id`) is not
 * proof.
 */
function earlierBootOfThisMachine(owner: LockOwner, pidns: string | null): boolean {
  const machine = machineId();
  return (
    machine !== null &&
    owner.machine === machine &&
    owner.host === hostname() &&
    owner.pidns === INIT_PID_NAMESPACE &&
    pidns === INIT_PID_NAMESPACE
  );
}

function sameOrAlive(owner: LockOwner): HolderState {
  return owner.pid === process.pid ? { kind: 'self' } : { kind: 'alive' };
}

function gone(owner: LockOwner): HolderState {
  return { kind: 'dead', why: `no process ${owner.pid} runs` };
}

/** `kill(pid, 0)`: whether a process `pid` exists (where `/proc` cannot say). */
function pidAnswers(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
