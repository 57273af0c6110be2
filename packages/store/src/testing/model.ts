import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Store } from '../contract.js';
import { show } from './bytes.js';
import { applyToModel, opArbitrary, runOp, type SuiteOp } from './ops.js';
import type { ResolvedSuiteOptions } from './options.js';
import { selectKeys } from './order.js';

type Model = Map<string, string>;

const KEYS = ['', 'a', 'a/b', 'ab', 'ключ', '\0', '%2F', '🔑'] as const;
const VALUES = ['', 'x', 'y', 'longer value', '\0\u00ff'] as const;

/** A write, run against the store and the model; results and the touched keys must agree. */
class WriteCommand implements fc.AsyncCommand<Model, Store> {
  constructor(readonly op: SuiteOp) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, store: Store): Promise<void> {
    const expected = applyToModel(model, this.op);
    expect(await runOp(store, this.op)).toBe(expected);
    expect(store.size).toBe(model.size);
  }
  toString(): string {
    return JSON.stringify(this.op);
  }
}

/** Reads every key of the pool and a prefix scan, comparing with the model. */
class ReadCommand implements fc.AsyncCommand<Model, Store> {
  constructor(readonly prefix: string) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, store: Store): Promise<void> {
    for (const key of KEYS) {
      const want = model.get(key);
      expect(store.has(key)).toBe(want !== undefined);
      expect(show(store.get(key))).toBe(
        want === undefined ? undefined : show(Buffer.from(want, 'utf8')),
      );
    }
    // In key order: the order is part of the contract.
    const want = selectKeys(model.keys(), { prefix: this.prefix });
    expect([...store.keys({ prefix: this.prefix })]).toEqual(want);
    expect(
      [...store.entries({ prefix: this.prefix })].map(
        ([k, v]) => `${k}=${Buffer.from(v).toString('utf8')}`,
      ),
    ).toEqual(want.map((k) => `${k}=${model.get(k)}`));
  }
  toString(): string {
    return `read(${JSON.stringify(this.prefix)})`;
  }
}

/** Registers the model-based test: random command sequences against a plain `Map` model (read in key order). */
export function modelTests(o: ResolvedSuiteOptions): void {
  describe('model', () => {
    it('behaves like a Map under random command sequences', () =>
      fc.assert(
        fc.asyncProperty(
          fc.commands(
            [
              opArbitrary(KEYS, VALUES, true).map((op) => new WriteCommand(op)),
              fc.constantFrom('', 'a', 'a/', 'k', '\0').map((p) => new ReadCommand(p)),
            ],
            { maxCommands: o.maxCommands },
          ),
          async (commands) =>
            o.withStore(async (store) => {
              await fc.asyncModelRun(() => ({ model: new Map(), real: store }), commands);
            }),
        ),
        { numRuns: o.modelRuns },
      ));
  });
}
