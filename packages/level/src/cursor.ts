import { compareKeys, type ScanOptions, type StoreReader } from '@hermes/store';

/** An iterator's range in Hermes keys: abstract-level's `gte` wins over `gt`, `lte` over `lt`. */
export interface Bounds {
  readonly lower: string | undefined;
  readonly lowerOpen: boolean;
  readonly upper: string | undefined;
  readonly upperOpen: boolean;
  readonly reverse: boolean;
}

/** What a walk yields: the store's `entries`, `keys` or `values`. */
export type Walk = 'entries' | 'keys' | 'values';

/** One step of a walk of kind `W`. */
export type Step<W extends Walk> = W extends 'entries'
  ? [string, Uint8Array]
  : W extends 'keys'
    ? string
    : Uint8Array;

/**
 * The store side of a Level iterator: a walk of a frozen store (a `StoreSnapshot`) within
 * `bounds`, in the store's own order (no sorting, no copy of the store), which `seek` restarts at
 * another key. Starting or seeking costs one tree descent; each step O(1) amortized.
 */
export class Cursor<W extends Walk> {
  readonly #reader: Promise<StoreReader>;
  readonly #bounds: Bounds;
  readonly #walk: W;
  #scan: ScanOptions;
  /** The running walk; `undefined` before the first step after a (re)start, `null` once ended. */
  #steps: Iterator<Step<W>> | undefined | null;

  /** Walks `reader` (once it resolves) within `bounds`, yielding what `walk` names. */
  constructor(reader: Promise<StoreReader>, bounds: Bounds, walk: W) {
    this.#reader = reader;
    this.#bounds = bounds;
    this.#walk = walk;
    this.#scan = scanOf(bounds, undefined);
    this.#steps = undefined;
  }

  /** Up to `max` next steps (fewer only at the end of the range). */
  async take(max: number): Promise<Step<W>[]> {
    const reader = await this.#reader;
    const out: Step<W>[] = [];
    if (this.#steps === null) return out;
    this.#steps ??= reader[this.#walk](this.#scan) as Iterator<Step<W>>;
    while (out.length < max) {
      const step = this.#steps.next();
      if (step.done === true) {
        this.#steps = null;
        break;
      }
      out.push(step.value);
    }
    return out;
  }

  /**
   * Restarts at the first key at or after `target` (at or before it in reverse), as
   * memory-level does: a target outside the bounds ends the walk.
   */
  seek(target: string): void {
    this.#steps?.return?.();
    this.#steps = inside(this.#bounds, target) ? undefined : null;
    this.#scan = scanOf(this.#bounds, target);
  }

  /** Ends the walk early (releases the store's trees). */
  end(): void {
    this.#steps?.return?.();
    this.#steps = null;
  }
}

/** The store scan of `bounds`, restarted at `from` when given (already checked to be inside). */
function scanOf(bounds: Bounds, from: string | undefined): ScanOptions {
  const { lower, lowerOpen, upper, upperOpen, reverse } = bounds;
  const scan: { -readonly [K in keyof ScanOptions]: ScanOptions[K] } = { reverse };
  if (from !== undefined && !reverse) scan.gte = from;
  else if (lower !== undefined) scan[lowerOpen ? 'gt' : 'gte'] = lower;
  if (from !== undefined && reverse) scan.lte = from;
  else if (upper !== undefined) scan[upperOpen ? 'lt' : 'lte'] = upper;
  return scan;
}

/** Whether `key` lies within `bounds`. */
function inside(bounds: Bounds, key: string): boolean {
  if (bounds.lower !== undefined) {
    const c = compareKeys(key, bounds.lower);
    if (c < 0 || (c === 0 && bounds.lowerOpen)) return false;
  }
  if (bounds.upper !== undefined) {
    const c = compareKeys(key, bounds.upper);
    if (c > 0 || (c === 0 && bounds.upperOpen)) return false;
  }
  return true;
}
