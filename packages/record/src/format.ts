/**
 * Which line format a log file uses: `v2` (header `HERMES-LOG 2`: checksums, and `CLEAR`
 * records), `v1` (header `HERMES-LOG 1`: the same lines without `CLEAR`) or `legacy` (the
 * seed's `SET` lines). Writers write `v2`; readers read all three.
 */
export type LogFormat = 'v1' | 'v2' | 'legacy';

/**
 * The header line, newline included, that starts every file written now: `HERMES-LOG 2\n` (the
 * v2 header; v1 files, which start `HERMES-LOG 1\n`, are still read). Do not mutate.
 */
export const FILE_HEADER: Buffer = Buffer.from('HERMES-LOG 2\n', 'latin1');

/** The header line of version 1 files, newline included, as older writers wrote it. */
export const FILE_HEADER_V1: Buffer = Buffer.from('HERMES-LOG 1\n', 'latin1');

/** Byte values the codec looks for. */
export const NEWLINE = 10;
/** ASCII space, the one field separator. */
export const SPACE = 32;
/** `%`, which starts a key escape. */
export const PERCENT = 37;
/** Length of the checksum field (8 hex digits) plus its space. */
export const CRC_PREFIX = 9;
