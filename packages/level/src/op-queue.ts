/**
 * The one door every operation of a `HermesLevel` goes through, so that operations take effect
 * in call order. Almost always open: an operation runs at once. A ranged `clear()` closes it
 * from its call until its deletes are queued in the store's locks (see `clear-range.ts`); the
 * operations called meanwhile wait here and then start in call order, behind those deletes.
 */
export class OpQueue {
  /** The operations waiting while the door is closed, or `undefined` when it is open. */
  #waiting: (() => void)[] | undefined;

  /** Starts `op` now, or once the door opens (in call order); resolves or rejects as it does. */
  run<T>(op: () => Promise<T>): Promise<T> {
    const waiting = this.#waiting;
    if (waiting === undefined) return op();
    return new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        op().then(resolve, reject);
      });
    });
  }

  /** Calls `op` now, or once the door opens (in call order); for work that starts synchronously. */
  call(op: () => void): void {
    if (this.#waiting === undefined) op();
    else this.#waiting.push(op);
  }

  /** Closes the door: operations called from now on wait until {@link open}. */
  close(): void {
    this.#waiting ??= [];
  }

  /**
   * Opens the door and starts the waiting operations in call order. One of them may close it
   * again (another ranged clear): the rest then wait behind that one.
   */
  open(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    for (let i = 0; i < waiting.length; i++) {
      const again = this.#waiting as (() => void)[] | undefined;
      if (again !== undefined) {
        again.push(...waiting.slice(i));
        return;
      }
      waiting[i]!();
    }
  }
}
