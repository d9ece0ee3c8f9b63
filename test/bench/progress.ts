/** A progress bar for the benchmarks' long seeding steps (on a terminal; a line at the end otherwise). */
import { SingleBar } from 'cli-progress';

export class Progress {
  private readonly bar: SingleBar | null;
  private done_ = 0;
  private readonly started = performance.now();

  constructor(private readonly label: string, private readonly total: number) {
    this.bar = process.stderr.isTTY ? new SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total} {eta}s left`, stream: process.stderr, hideCursor: true }) : null;
    this.bar?.start(total, 0);
  }

  add(n: number): void {
    this.done_ += n;
    this.bar?.update(this.done_);
  }

  done(): void {
    this.bar?.stop();
    process.stderr.write(`${this.label}: ${this.done_.toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')} in ${((performance.now() - this.started) / 1000).toFixed(1)} s\n`);
  }
}
