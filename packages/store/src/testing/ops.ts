import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type { ScanOptions, Store } from '../contract.js';
import { bytes } from './bytes.js';
import { scanOptionsArbitrary, selectKeys } from './order.js';

/** One operation of a generated workload; values are short strings stored as their UTF-8 bytes. */
export type SuiteOp =
  | { readonly kind: 'set'; readonly key: string; readonly value: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'putIfAbsent'; readonly key: string; readonly value: string }
  | {
      readonly kind: 'compareAndSet';
      readonly key: string;
      readonly expected: string | undefined;
      readonly next: string | undefined;
    }
  | {
      readonly kind: 'batch';
      readonly ops: readonly { readonly key: string; readonly value: string | undefined }[];
    }
  /** `clear()`, or `clear(range)` when `range` is given. */
  | { readonly kind: 'clear'; readonly range?: ScanOptions };

/** What an operation resolved with: a boolean for conditional writes and delete, else `undefined`. */
export type SuiteResult = boolean | undefined;

/** Runs `op` against a real store. */
export async function runOp(store: Store, op: SuiteOp): Promise<SuiteResult> {
  switch (op.kind) {
    case 'set':
      await store.set(op.key, bytes(op.value));
      return undefined;
    case 'delete':
      return store.delete(op.key);
    case 'putIfAbsent':
      return store.putIfAbsent(op.key, bytes(op.value));
    case 'compareAndSet':
      return store.compareAndSet(
        op.key,
        op.expected === undefined ? undefined : bytes(op.expected),
        op.next === undefined ? undefined : bytes(op.next),
      );
    case 'batch':
      await store.batch(
        op.ops.map((o) =>
          o.value === undefined
            ? { type: 'delete' as const, key: o.key }
            : { type: 'set' as const, key: o.key, value: bytes(o.value) },
        ),
      );
      return undefined;
    case 'clear':
      await (op.range === undefined ? store.clear() : store.clear(op.range));
      return undefined;
  }
}

/** Applies `op` to a plain `Map` model and returns what the store must resolve with. */
export function applyToModel(model: Map<string, string>, op: SuiteOp): SuiteResult {
  switch (op.kind) {
    case 'set':
      model.set(op.key, op.value);
      return undefined;
    case 'delete':
      return model.delete(op.key);
    case 'putIfAbsent':
      if (model.has(op.key)) return false;
      model.set(op.key, op.value);
      return true;
    case 'compareAndSet': {
      if (model.get(op.key) !== op.expected) return false;
      if (op.next === undefined) model.delete(op.key);
      else model.set(op.key, op.next);
      return true;
    }
    case 'batch':
      for (const o of op.ops) {
        if (o.value === undefined) model.delete(o.key);
        else model.set(o.key, o.value);
      }
      return undefined;
    case 'clear':
      if (op.range === undefined) model.clear();
      else for (const key of selectKeys(model.keys(), op.range)) model.delete(key);
      return undefined;
  }
}

/** Reads the store's whole state as a model (values decoded as UTF-8). */
export function snapshot(store: Store): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of store.entries()) out.set(key, Buffer.from(value).toString('utf8'));
  return out;
}

/**
 * An arbitrary {@link SuiteOp} over the given keys and values (`clear`, whole and over random
 * ranges bounded by those keys, included when asked).
 */
export function opArbitrary(
  keys: readonly string[],
  values: readonly string[],
  withClear = false,
): fc.Arbitrary<SuiteOp> {
  const key = fc.constantFrom(...keys);
  const value = fc.constantFrom(...values);
  const maybe = fc.option(value, { nil: undefined });
  const ops: fc.Arbitrary<SuiteOp>[] = [
    fc.record({ kind: fc.constant('set' as const), key, value }),
    fc.record({ kind: fc.constant('delete' as const), key }),
    fc.record({ kind: fc.constant('putIfAbsent' as const), key, value }),
    fc.record({ kind: fc.constant('compareAndSet' as const), key, expected: maybe, next: maybe }),
    fc.record({
      kind: fc.constant('batch' as const),
      ops: fc.array(fc.record({ key, value: maybe }), { minLength: 1, maxLength: 4 }),
    }),
  ];
  if (withClear) {
    ops.push(fc.constant({ kind: 'clear' as const }));
    ops.push(fc.record({ kind: fc.constant('clear' as const), range: scanOptionsArbitrary(keys) }));
  }
  return fc.oneof(...ops);
}
