/** Placeholder until this layer lands. */
export const placeholder: true = true;
