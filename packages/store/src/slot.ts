import type { StoredValue } from './value-codec.js';

/**
 * A value that has been overwritten, held where it can be changed again cheaply: the shard's
 * `Map` and the ordered tree hold the same slot, so a later overwrite that no reader can see
 * changes the slot in place, without a descent of the tree. A key written once holds its value
 * directly (no slot, no extra memory); its first overwrite gives it a slot.
 *
 * `epoch` is the store's tree epoch when the slot was made. The epoch moves on each time a reader
 * (an iterator or a snapshot) keeps the tree and a write has to clone it; a slot of an earlier
 * epoch may sit in a tree a reader holds, so it is never changed: the write puts a new slot in
 * its place (copying the tree path, as any write after a reader does).
 */
export class Slot {
  constructor(
    /** The value, in the store's representation. */
    public value: StoredValue,
    /** The tree epoch this slot belongs to (see the class comment). */
    readonly epoch: number,
  ) {}
}

/** What the map and the tree hold for a key: its value, or the slot holding it. */
export type Held = StoredValue | Slot;

/** The value `held` holds (`undefined` for a key that is absent). */
export function heldValue(held: Held): StoredValue;
export function heldValue(held: Held | undefined): StoredValue | undefined;
export function heldValue(held: Held | undefined): StoredValue | undefined {
  return held instanceof Slot ? held.value : held;
}
