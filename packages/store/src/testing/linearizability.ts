import { applyToModel, type SuiteOp, type SuiteResult } from './ops.js';

/** One completed operation of a concurrent history, with logical start and end times. */
export interface HistoryEntry {
  readonly op: SuiteOp;
  readonly result: SuiteResult;
  /** Clock value taken just before the call. */
  readonly start: number;
  /** Clock value taken once the result was observed (never before the real completion). */
  readonly end: number;
}

/**
 * Searches for a sequential order of `history` that respects real time (an operation that ended
 * before another started comes first), gives every operation the result it really had, and
 * leaves the model equal to `finalState`. Returns that order, or `undefined` if none exists.
 */
export function findLinearization(
  initial: ReadonlyMap<string, string>,
  history: readonly HistoryEntry[],
  finalState: ReadonlyMap<string, string>,
): HistoryEntry[] | undefined {
  const done = new Array<boolean>(history.length).fill(false);
  const order: HistoryEntry[] = [];
  const search = (model: Map<string, string>): boolean => {
    if (order.length === history.length) return sameState(model, finalState);
    for (let i = 0; i < history.length; i++) {
      if (done[i]) continue;
      const entry = history[i]!;
      // Every pending operation that ended before this one started must come first.
      const blocked = history.some((other, j) => !done[j] && j !== i && other.end < entry.start);
      if (blocked) continue;
      const next = new Map(model);
      if (applyToModel(next, entry.op) !== entry.result) continue;
      done[i] = true;
      order.push(entry);
      if (search(next)) return true;
      order.pop();
      done[i] = false;
    }
    return false;
  };
  return search(new Map(initial)) ? order : undefined;
}

function sameState(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}
