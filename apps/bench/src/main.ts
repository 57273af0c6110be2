/** Placeholder. */
export const main: true = true;
