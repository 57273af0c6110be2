/**
 * The WebAssembly decoding kernel (wasm/kernel.ts, compiled into kernel-bytes.ts), instantiated
 * once per process. It has a fixed 256 KiB memory that never grows, so the views made here stay
 * valid; one call decodes a line the caller has copied into its line area.
 */

import { KERNEL_WASM } from './kernel-bytes.js';

/** The part of the WebAssembly API used here (Node's global; its types live in lib.dom). */
declare const WebAssembly: {
  Module: new (binary: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
};

/** A WebAssembly.Global as read here. */
interface Constant {
  readonly value: number;
}

/** What the kernel exports (see wasm/kernel.ts). */
export interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly RESULT: Constant;
  readonly LINE: Constant;
  readonly LINE_CAPACITY: Constant;
  readonly VALUE: Constant;
  readonly VALUE_CAPACITY: Constant;
  decodeSet(length: number, maxKey: number, maxValue: number): number;
  crc32(start: number, end: number, register: number): number;
}

/**
 * Instantiates the kernel from its binary, or returns `undefined` where this runtime cannot (a
 * CPU without the SIMD instructions WebAssembly's SIMD needs, or WebAssembly disabled): lines
 * then all take the decoder's TypeScript path, which is slower but decodes the same.
 */
export function instantiateKernel(binary: Uint8Array): KernelExports | undefined {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports as KernelExports;
  } catch {
    return undefined;
  }
}

const kernel = instantiateKernel(Buffer.from(KERNEL_WASM, 'base64'));
const memory = kernel?.memory.buffer ?? new ArrayBuffer(0);
const bytes = new Uint8Array(memory);
const words = new Uint32Array(memory);
const LINE = kernel?.LINE.value ?? 0;
const RESULT_WORD = (kernel?.RESULT.value ?? 0) >>> 2;
const VALUE = kernel?.VALUE.value ?? 0;

/** Whether the kernel runs in this process (see {@link instantiateKernel}). */
export const kernelAvailable: boolean = kernel !== undefined;
/** Longest line {@link decodeSetLine} takes (0 without the kernel). */
export const KERNEL_LINE_CAPACITY: number = kernel?.LINE_CAPACITY.value ?? 0;
/** Longest value {@link decodeSetLine} returns (0 without the kernel). */
export const KERNEL_VALUE_CAPACITY: number = kernel?.VALUE_CAPACITY.value ?? 0;

/** Views of the kernel's value area by length, made once each. */
const valueViews: Uint8Array[] = [];

/**
 * Decodes `line` (newline excluded, at most {@link KERNEL_LINE_CAPACITY} bytes) if it is
 * `<8 lowercase hex> SET <ordinary key of at most maxKey bytes> <padded base64 of 1 to maxValue
 * bytes>` with a matching checksum. Returns the value's length (read it with
 * {@link kernelValue}; the key field ends at the line offset {@link kernelKeyEnd} returns) or
 * -1 for any other line.
 */
export function decodeSetLine(line: Uint8Array, maxKey: number, maxValue: number): number {
  if (kernel === undefined || line.length > KERNEL_LINE_CAPACITY) return -1;
  bytes.set(line, LINE);
  return kernel.decodeSet(line.length, maxKey, maxValue);
}

/** Where the key field of the last line {@link decodeSetLine} decoded ends (a line offset). */
export function kernelKeyEnd(): number {
  return words[RESULT_WORD]!;
}

/** A fresh Buffer holding the `size` bytes of the value {@link decodeSetLine} decoded last. */
export function kernelValue(size: number): Buffer {
  let view = valueViews[size];
  if (view === undefined) {
    view = new Uint8Array(bytes.buffer, VALUE, size);
    valueViews[size] = view;
  }
  const value = Buffer.allocUnsafe(size);
  value.set(view);
  return value;
}

/**
 * The kernel's CRC-32 register `c` run over `data` (at most {@link KERNEL_LINE_CAPACITY} bytes):
 * a test's window into the kernel. Throws without the kernel.
 */
export function kernelCrc32(data: Uint8Array, c: number): number {
  if (kernel === undefined) throw new Error('The WebAssembly kernel is not available here.');
  bytes.set(data, LINE);
  return kernel.crc32(LINE, LINE + data.length, c) | 0;
}
