declare module 'abstract-level/test' {
  /** abstract-level's test suite: runs every test with `options.test` against `options.factory()`. */
  export default function suite(options: {
    test: unknown;
    factory: (options?: object) => unknown;
  }): void;
}
