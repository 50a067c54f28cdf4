import { createWriteStream, type WriteStream } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One JSON object per line, each with `type` and `t` (ms since the runner started). */
export class EventLog {
  #stream: WriteStream | undefined;
  readonly #startedAt: number;

  private constructor(stream: WriteStream | undefined, startedAt: number) {
    this.#stream = stream;
    this.#startedAt = startedAt;
  }

  static async open(path: string | undefined, startedAt = performance.now()): Promise<EventLog> {
    if (!path) return new EventLog(undefined, startedAt);
    const stream = createWriteStream(path, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new EventLog(stream, startedAt);
  }

  write(type: string, fields: Record<string, unknown> = {}): void {
    if (!this.#stream) return;
    const t = Math.round((performance.now() - this.#startedAt) * 10) / 10;
    this.#stream.write(`${JSON.stringify({ type, t, ...fields })}\n`);
  }

  async close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
  }
}
