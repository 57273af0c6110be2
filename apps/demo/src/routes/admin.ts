import { join } from 'node:path';
import type { BackupReport } from '@hermes/wal-store';
import type { FastifyInstance } from 'fastify';
import { isLoopbackPeer } from '../auth.js';
import { isCode } from '../error-codes.js';
import { HttpError } from '../http-error.js';
import type { ServedStore } from '../served-store.js';
import { storeErrorToHttp } from '../store-errors.js';
import { bodyBytes } from './kv.js';

/**
 * What a backup's name may be: one path segment of letters, digits, `.`, `_` and `-`, not
 * starting with a dot (so never `..`, never a hidden name), at most 128 characters.
 */
export const BACKUP_NAME: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Largest `POST /admin/backup` body, in bytes: `{ "name": ... }` needs far less. */
export const MAX_ADMIN_BODY_BYTES = 4096;

/** The `201` answer of `POST /admin/backup`: the name asked for and what the backup wrote. */
export interface BackupAnswer extends BackupReport {
  readonly name: string;
}

/**
 * `POST /admin/backup` with `{ "name": "<name>" }`: a consistent online copy of the store in
 * `<backupDir>/<name>` (`db.backup()` of `@hermes/wal-store`), answered `201` with the report.
 * A client names a backup, never a path: every backup goes under the folder the operator chose
 * (`--backup-dir`). Answers only peers on loopback (403 `ADMIN_LOOPBACK_ONLY`), whatever the
 * listening interface; the bearer token, when set, is checked before (401).
 */
export function adminRoutes(
  app: FastifyInstance,
  store: ServedStore,
  backupDir: string | undefined,
): void {
  app.route({
    method: 'POST',
    url: '/admin/backup',
    bodyLimit: MAX_ADMIN_BODY_BYTES,
    handler: async (request, reply) => {
      if (!isLoopbackPeer(request.socket.remoteAddress)) {
        throw new HttpError(
          403,
          'ADMIN_LOOPBACK_ONLY',
          'Admin routes answer only from this machine (loopback): run the request on the server, e.g. through ssh.',
        );
      }
      if (backupDir === undefined || store.backup === undefined) {
        throw new HttpError(
          403,
          'BACKUP_DISABLED',
          'Backups are off: start the service with --backup-dir <folder> (HERMES_BACKUP_DIR); each backup goes under it by name.',
        );
      }
      const name = parseName(bodyBytes(request.body));
      let report: BackupReport;
      try {
        report = await store.backup(join(backupDir, name));
      } catch (error) {
        throw backupError(error, name, store);
      }
      const answer: BackupAnswer = { name, ...report };
      return reply.code(201).send(answer);
    },
  });
}

/** The backup's name from a body `{ "name": "<name>" }`, or 400 `BAD_BODY` saying what is wrong. */
function parseName(body: Uint8Array): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    parsed = undefined;
  }
  const name = (parsed as { name?: unknown } | null | undefined)?.name;
  if (typeof name !== 'string' || !BACKUP_NAME.test(name)) {
    throw new HttpError(
      400,
      'BAD_BODY',
      'Send a JSON body {"name": "<name>"}: a name of 1 to 128 letters, digits, ".", "_" or "-", not starting with "." (the backup goes to <backup-dir>/<name>).',
    );
  }
  return name;
}

/** The answer for a backup that failed: 409 if the name is taken, the store's mapping else. */
function backupError(error: unknown, name: string, store: ServedStore): HttpError {
  const code = (error as { code?: unknown } | null)?.code;
  if (isCode(code, 'WAL_BACKUP_TARGET_EXISTS')) {
    return new HttpError(
      409,
      'BACKUP_EXISTS',
      `A backup named "${name}" exists already: a backup never overwrites one. Choose a new name.`,
      { cause: error },
    );
  }
  const mapped = storeErrorToHttp(error, store);
  if (mapped.code !== 'INTERNAL') return mapped;
  return new HttpError(
    500,
    'BACKUP_FAILED',
    `The backup could not be written (${error instanceof Error ? error.message : String(error)}); nothing was left under its name. Check the backup folder's space and permissions, then retry.`,
    { cause: error },
  );
}
