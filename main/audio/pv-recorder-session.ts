import { Worker } from 'node:worker_threads';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { MicDeviceInfo } from './pv-recorder-devices.js';
import type { CaptureWorkerData } from './pv-recorder-worker-protocol.js';

/** One capture worker = one open device, from opening until it is told to stop. */
export class CaptureSession {
  readonly control: Int32Array;
  readonly worker: Worker;
  readonly exited: Promise<void>;
  device: MicDeviceInfo | null = null;
  frames = 0;
  /** Stream time (ms) of this session's first frame. */
  baseMs = 0;
  lastActivity: number;
  ended = false;
  #watchdog: TimerHandle | undefined;

  constructor(
    workerPath: string,
    data: CaptureWorkerData,
    private readonly clock: Clock,
  ) {
    this.control = new Int32Array(data.control);
    this.worker = new Worker(workerPath, { workerData: data });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.lastActivity = clock.now();
  }

  /** The worker said something (a frame or a read result): it is not hung. */
  touch(): void {
    this.lastActivity = this.clock.now();
  }

  /**
   * Watchdog for a hung worker: calls `onStall` with the idle time once nothing has been heard from
   * it for `stallTimeoutMs`; stops checking once the session ended or `isCurrent()` is false.
   */
  armWatchdog(stallTimeoutMs: number, isCurrent: () => boolean, onStall: (idleMs: number) => void): void {
    const check = () => {
      if (this.ended || !isCurrent()) return;
      const idle = this.clock.now() - this.lastActivity;
      if (idle >= stallTimeoutMs) {
        onStall(idle);
        return;
      }
      this.#watchdog = this.clock.setTimeout(check, Math.min(1_000, stallTimeoutMs - idle + 10));
    };
    this.#watchdog = this.clock.setTimeout(check, Math.min(1_000, stallTimeoutMs));
  }

  /**
   * Marks the session finished and tells its worker to stop (it releases the device and exits). A
   * worker blocked in a native read sees the flag when the read returns (≤ ~1 s); it is terminated if
   * it does not exit within `closeTimeoutMs` (terminate itself also waits for the native call to return).
   */
  end(closeTimeoutMs: number): void {
    this.ended = true;
    this.clock.clearTimeout(this.#watchdog);
    Atomics.store(this.control, 0, 1);
    const timer = this.clock.setTimeout(() => void this.worker.terminate(), closeTimeoutMs);
    void this.exited.then(() => this.clock.clearTimeout(timer));
  }
}
