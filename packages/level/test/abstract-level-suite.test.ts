/**
 * abstract-level's own test suite (`abstract-level/test`), unmodified, run against HermesLevel
 * on real folders, under tape (the runner it is written for) inside one vitest test: every
 * failed assertion is listed with its test's name. The suite also runs itself again on a
 * sublevel of a HermesLevel.
 */
import suite from 'abstract-level/test';
import tape from 'tape';
import { afterAll, expect, it } from 'vitest';
import { HermesLevel } from '../src/index.js';
import { tempRoot } from './helpers.js';

const dirs = tempRoot('hermes-level-suite-');
afterAll(() => dirs.remove());

interface Row {
  readonly type: 'test' | 'assert' | 'end';
  readonly id: number;
  readonly name?: string;
  readonly ok?: boolean;
  readonly skip?: boolean | string;
  readonly todo?: boolean | string;
  readonly test?: number;
  readonly operator?: string;
  readonly actual?: unknown;
  readonly expected?: unknown;
  readonly error?: { message?: string; stack?: string };
}

it('passes abstract-level’s whole test suite', async () => {
  const harness = tape.createHarness();
  const rows: Row[] = [];
  const finished = new Promise<void>((resolve) => harness.onFinish(() => resolve()));
  harness.createStream({ objectMode: true }).on('data', (row: Row) => rows.push(row));
  suite({
    test: harness,
    factory: (options?: object) => new HermesLevel(dirs.next(), options),
  });
  await finished;

  const names = new Map<number, string>();
  for (const row of rows) if (row.type === 'test') names.set(row.id, row.name ?? '');
  const asserts = rows.filter((r) => r.type === 'assert');
  const skipped = asserts.filter((r) => r.skip || r.todo);
  const failed = asserts.filter((r) => !r.ok && !r.skip && !r.todo);
  console.log(
    `abstract-level suite: ${names.size} tests, ${asserts.length} assertions, ${asserts.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped`,
  );
  const report = failed.map(
    (r) =>
      `${names.get(r.test ?? -1)}: ${r.name} (${r.operator}) expected ${String(r.expected)} got ${String(r.actual)}${r.error?.stack ? `\n${r.error.stack.split('\n').slice(0, 4).join('\n')}` : ''}`,
  );
  expect(report).toEqual([]);
  expect(skipped).toEqual([]);
  expect(asserts.length).toBeGreaterThan(1000);
}, 600_000);
