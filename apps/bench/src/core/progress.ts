import cliProgress from 'cli-progress';

/** Where a run is: a bar on a terminal, one line per step otherwise. Always on stderr. */
export class Progress {
  readonly #bar: cliProgress.SingleBar | undefined;
  readonly #total: number;
  #done = 0;
  #current = '';

  constructor(total: number) {
    this.#total = total;
    if (process.stderr.isTTY) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'bench [{bar}] {value}/{total} {eta_formatted} left | {step}',
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 4,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(total, 0, { step: '' });
    }
  }

  /** A scenario starts. */
  begin(step: string): void {
    this.#current = step;
    if (this.#bar) this.#bar.update(this.#done, { step });
    else process.stderr.write(`[${this.#done + 1}/${this.#total}] ${step}\n`);
  }

  /** Detail inside the current scenario. */
  status(text: string): void {
    if (this.#bar) this.#bar.update(this.#done, { step: `${this.#current}: ${text}` });
  }

  /** The current scenario ended. */
  end(): void {
    this.#done++;
    this.#bar?.update(this.#done, { step: this.#current });
  }

  /** Removes the bar. */
  stop(): void {
    this.#bar?.stop();
  }
}
