/** Operations of the file-system port (and of its file handles) that faults can target. */
export type FsOperation =
  | 'openAppend'
  | 'openRead'
  | 'writeExclusive'
  | 'readFile'
  | 'readdir'
  | 'mkdir'
  | 'size'
  | 'rename'
  | 'unlink'
  | 'truncate'
  | 'syncDir'
  | 'write'
  | 'datasync'
  | 'close'
  | 'read';

/** Every {@link FsOperation}, in a stable order (for counters). */
export const FS_OPERATIONS: readonly FsOperation[] = [
  'openAppend',
  'openRead',
  'writeExclusive',
  'readFile',
  'readdir',
  'mkdir',
  'size',
  'rename',
  'unlink',
  'truncate',
  'syncDir',
  'write',
  'datasync',
  'close',
  'read',
];

/**
 * What happens to the targeted call:
 * - `error`: it fails with an error carrying `code` (e.g. `EIO`, `ENOSPC`) and does nothing;
 * - `short` (writes only): only the first `bytes` bytes reach the file, then it fails with `code`;
 * - `hang`: it never settles until the returned handle's `release()` is called.
 */
export type Fault =
  | { readonly kind: 'error'; readonly code: string }
  | { readonly kind: 'short'; readonly bytes: number; readonly code: string }
  | { readonly kind: 'hang' };

/** Which call a fault targets. */
export interface FaultTarget {
  /** Fire on the nth matching call from now (1 = the next one). @default 1 */
  readonly nth?: number;
  /** Only calls on this path (exact, after `path.resolve`) or matching this pattern count. */
  readonly path?: string | RegExp;
}

/** A pending fault: lets a test wait for it to fire and, for a hang, let the call go on. */
export interface FaultHandle {
  /** Resolves when the targeted call has been reached (for a hang: is now hanging). */
  readonly reached: Promise<void>;
  /** Whether it has fired. */
  readonly fired: boolean;
  /** For a hang: lets the call proceed normally. No effect otherwise. Idempotent. */
  release(): void;
  /** Withdraws a fault that has not fired yet. */
  cancel(): void;
}

/** Builds the error a failed call rejects with: an `Error` with an errno-style `code`. */
export function faultError(
  code: string,
  operation: FsOperation,
  path: string,
): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected fault, ${operation} '${path}'`);
  error.code = code;
  error.path = path;
  error.syscall = operation;
  return error;
}
