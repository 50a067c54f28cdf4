/**
 * Waiting in tests and benches: `eventually` polls until a condition holds, `nextEvent` takes the
 * next event of an emitter; both fail after a timeout instead of hanging.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** Reads until `ok` accepts the value (every `intervalMs`); fails with the last value after `timeoutMs`. */
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value ${String(JSON.stringify(value)).slice(0, 300)}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Waits until `read` has returned the same value for `quietMs` (polled every 50 ms), so that a check
 * of "nothing more happens" starts after the late effects of earlier steps, however slow the machine.
 */
export async function quietFor<T>(read: () => T, quietMs: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = read();
  let since = Date.now();
  for (;;) {
    await sleep(50);
    const value = read();
    if (!Object.is(value, last)) {
      last = value;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
    if (Date.now() > deadline) throw new Error(`still changing after ${timeoutMs} ms (last value ${String(value)})`);
  }
}

/**
 * The first value `listen` delivers. `listen` subscribes (it may deliver at once) and returns its
 * unsubscribe, which is called when the value arrives or when `timeoutMs` has passed (then the
 * promise rejects).
 */
export function nextEvent<T = void>(what: string, timeoutMs: number, listen: (deliver: (value: T) => void) => () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = listen((value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe()); // a delivery from inside `listen` comes before `unsubscribe` exists
      resolve(value);
    });
  });
}
