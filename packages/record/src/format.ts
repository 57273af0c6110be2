/** Which line format a log file uses: `v1` (header, checksums) or `legacy` (the seed's `SET` lines). */
export type LogFormat = 'v1' | 'legacy';

/** The header line, newline included, that starts every v1 file: `HERMES-LOG 1\n`. Do not mutate. */
export const FILE_HEADER: Buffer = Buffer.from('HERMES-LOG 1\n', 'latin1');

/** Byte values the codec looks for. */
export const NEWLINE = 10;
/** ASCII space, the one field separator. */
export const SPACE = 32;
/** `%`, which starts a key escape. */
export const PERCENT = 37;
/** Length of the checksum field (8 hex digits) plus its space. */
export const CRC_PREFIX = 9;
