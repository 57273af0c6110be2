/** Lowercase hex digit values by byte (-1 for any other byte). */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = 10 + i;

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Writes `value` as 8 lowercase hex digits at `at`. */
export function writeHex32(target: Uint8Array, at: number, value: number): void {
  for (let i = 7; i >= 0; i--) {
    target[at + i] = HEX_DIGITS[value & 15]!;
    value >>>= 4;
  }
}

/** Reads 8 lowercase hex digits at `at`; -1 if any is not one. */
export function readHex32(source: Uint8Array, at: number): number {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const d = HEX_VALUE[source[at + i]!]!;
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}
