import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { WalError } from './errors.js';
import { LOCK_FILE } from './layout.js';
import type { FileSystem } from './types.js';

/** Who holds a log directory, as written in its `LOCK` file. */
export interface LockOwner {
  readonly pid: number;
  /** The process's start time (field 22 of `/proc/<pid>/stat`), or `null` where unknown. */
  readonly start: string | null;
  readonly host: string;
}

/** A held directory lock. */
export interface DirectoryLock {
  /** Removes the `LOCK` file and forgets the directory. Safe to call more than once. */
  release(): Promise<void>;
}

const TAKEOVER_FILE = `${LOCK_FILE}.takeover`;
const REGISTRY_KEY = Symbol.for('@hermes/wal.held-directories');

/** Directories held by this process, shared by every copy of this module that is loaded. */
function heldDirectories(): Set<string> {
  const slot = globalThis as { [REGISTRY_KEY]?: Set<string> };
  slot[REGISTRY_KEY] ??= new Set<string>();
  return slot[REGISTRY_KEY];
}

/** The start time of process `pid` from `/proc`, or `null` where `/proc` is not available. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 overall is the 20th after the name
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `owner` is a process that still runs here (and is the same process, not a reused pid).
 * The host name is not trusted to tell machines apart: a container restarted with the same volume
 * gets a new host name, and a lock it could never take over would need a person to remove it. So
 * a log directory must not be shared between machines (a pid lock cannot work across them anyway).
 */
export function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.pid === process.pid) {
    return owner.start !== null && owner.start === processStartTime(process.pid);
  }
  if (!isAlive(owner.pid)) return false;
  if (owner.start === null) return true;
  const start = processStartTime(owner.pid);
  return start === null || start === owner.start;
}

function me(): LockOwner {
  return { pid: process.pid, start: processStartTime(process.pid), host: hostname() };
}

function parseOwner(bytes: Uint8Array): LockOwner | null {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<LockOwner>;
    if (typeof value.pid !== 'number') return null;
    return {
      pid: value.pid,
      start: typeof value.start === 'string' ? value.start : null,
      host: typeof value.host === 'string' ? value.host : hostname(),
    };
  } catch {
    return null;
  }
}

function encodeOwner(owner: LockOwner): Uint8Array {
  return Buffer.from(`${JSON.stringify(owner)}\n`);
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function lockedError(dir: string, owner: LockOwner | null): WalError {
  const who =
    owner === null
      ? 'another opener'
      : owner.pid === process.pid
        ? 'this process (close the other Wal first)'
        : `process ${owner.pid} on ${owner.host}`;
  return new WalError(
    'WAL_LOCKED',
    `The log directory ${dir} is held by ${who}. Close it, or wait for that process to exit.`,
  );
}

async function readOwner(fs: FileSystem, path: string): Promise<LockOwner | null | 'missing'> {
  try {
    return parseOwner(await fs.readFile(path));
  } catch (error) {
    if (code(error) === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Removes a stale `LOCK` under a second, short-lived `LOCK.takeover` file, so that two openers
 * racing to take over the same stale lock cannot both succeed.
 */
async function takeOver(fs: FileSystem, dir: string, stale: string): Promise<void> {
  const takeoverPath = join(dir, TAKEOVER_FILE);
  try {
    await fs.writeExclusive(takeoverPath, encodeOwner(me()));
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    const owner = await readOwner(fs, takeoverPath);
    if (owner !== 'missing' && owner !== null && ownerIsAlive(owner)) throw lockedError(dir, owner);
    // A takeover interrupted by the death of its process: clear it and let the caller retry.
    await fs.unlink(takeoverPath);
    return;
  }
  try {
    const lockPath = join(dir, LOCK_FILE);
    const current = await fs.readFile(lockPath).then(
      (bytes) => Buffer.from(bytes).toString('utf8'),
      (error: unknown) => (code(error) === 'ENOENT' ? null : Promise.reject(error)),
    );
    if (current === stale) await fs.unlink(lockPath);
  } finally {
    await fs.unlink(takeoverPath);
  }
}

/**
 * Takes the directory's `LOCK`: fails at once with `WAL_LOCKED` if this process or another live
 * one holds it; takes over a lock left by a process that is gone (its pid no longer runs, or runs
 * a different process, told apart by its start time in `/proc`).
 */
export async function acquireLock(fs: FileSystem, dir: string): Promise<DirectoryLock> {
  const key = resolve(dir);
  const held = heldDirectories();
  if (held.has(key)) throw lockedError(dir, { pid: process.pid, start: null, host: hostname() });
  held.add(key);
  const lockPath = join(dir, LOCK_FILE);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.writeExclusive(lockPath, encodeOwner(me()));
        break;
      } catch (error) {
        if (code(error) !== 'EEXIST' || attempt >= 5) throw error;
      }
      let bytes: Uint8Array;
      try {
        bytes = await fs.readFile(lockPath);
      } catch (error) {
        if (code(error) === 'ENOENT') continue;
        throw error;
      }
      const owner = parseOwner(bytes);
      // Our own pid in a LOCK this process does not hold is a leftover (e.g. a simulated crash).
      const ours = owner !== null && owner.pid === process.pid;
      if (owner !== null && !ours && ownerIsAlive(owner)) throw lockedError(dir, owner);
      await takeOver(fs, dir, Buffer.from(bytes).toString('utf8'));
    }
  } catch (error) {
    held.delete(key);
    throw error;
  }
  let released = false;
  return {
    async release(): Promise<void> {
      if (released) return;
      released = true;
      try {
        await fs.unlink(lockPath);
      } finally {
        held.delete(key);
      }
    },
  };
}
