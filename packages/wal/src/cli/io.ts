/** Where a command writes: its standard output and error, with backpressure. */
export interface CliIo {
  /** Writes to standard output; resolves once the stream can take more. */
  out(text: string): Promise<void>;
  /** Writes to standard error. */
  err(text: string): Promise<void>;
}

function writer(stream: NodeJS.WritableStream): (text: string) => Promise<void> {
  return (text) =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: unknown): void => reject(error);
      stream.once('error', onError);
      const flushed = stream.write(text, () => stream.off('error', onError));
      if (flushed) resolve();
      else stream.once('drain', () => resolve());
    });
}

/** The process's own standard streams. */
export function processIo(): CliIo {
  return { out: writer(process.stdout), err: writer(process.stderr) };
}

/** Exit statuses of `hermes-wal`. */
export const Exit = {
  /** Clean (verify), done (dump, repair). */
  ok: 0,
  /** `verify`: a torn tail that `repair` (or opening the log) cuts. */
  repairable: 1,
  /** Corruption that needs attention, or a failure. */
  attention: 2,
  /** Bad arguments (EX_USAGE). */
  usage: 64,
} as const;
