import type { RecordLimits } from '@hermes/record';
import { importSeedLog, type NonUtf8Keys } from '../import.js';
import { type CliIo, Exit } from './io.js';

/** Help text of `hermes-wal import`. */
export const IMPORT_HELP = `Usage: hermes-wal import <seed-log-file> <dir> [--non-utf8-keys refuse|latin1] [--max-*]

Migrates a log of the original design (lines "SET <key> <base64>", no checksums) into a new
Hermes log in <dir>, which must not exist yet or be empty. Every line is checked first, so a
refusal writes nothing; then one checksummed record is written per line, fsynced, and the
records and distinct keys taken are printed. Open the new log with the same --max-* limits.

Refused, with the line number (exit 2):
  - a line that is not "SET <key> <padded base64>", or ends in CR (CRLF endings);
  - a last line without its newline (the seed's last write was interrupted);
  - a key, value or line over the limits: the message names the --max-* option to raise;
  - a key that is not valid UTF-8 (Go strings allow that), unless --non-utf8-keys latin1, which
    takes each byte of such a key as one character U+0000..U+00FF (Buffer.from(key, 'latin1')
    gives the seed's bytes back), and refuses if that makes it equal a UTF-8 key of the log.

Exit status: 0 imported, 2 refused or failed, 64 usage.
`;

/** Runs `import` of `source` into `dir`; resolves the exit status. */
export async function importCommand(
  source: string,
  dir: string,
  nonUtf8Keys: string | undefined,
  limits: RecordLimits,
  io: CliIo,
): Promise<number> {
  if (nonUtf8Keys !== undefined && nonUtf8Keys !== 'refuse' && nonUtf8Keys !== 'latin1') {
    await io.err(
      `hermes-wal import: --non-utf8-keys must be refuse or latin1, got '${nonUtf8Keys}'\n\n${IMPORT_HELP}`,
    );
    return Exit.usage;
  }
  const report = await importSeedLog({
    source,
    dir,
    limits,
    nonUtf8Keys: (nonUtf8Keys ?? 'refuse') as NonUtf8Keys,
  });
  const latin1 = report.latin1Keys > 0 ? `, ${report.latin1Keys} of them taken as latin1` : '';
  await io.out(
    `imported ${report.records} records (${report.keys} keys${latin1}) from ${source} into ${dir}, ` +
      `${report.bytes} bytes read\n`,
  );
  return Exit.ok;
}
