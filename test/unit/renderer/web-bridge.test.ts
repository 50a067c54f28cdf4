import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LinkState } from '../../../renderer/state/app-api.js';
import { createWebBridge, healthProbe, type BridgeSocket, type WebBridge, type WebBridgeOptions } from '../../../renderer/web-bridge.js';
import type { PairingProbe } from '../../../renderer/web-bridge-model.js';

type Listener = (event: { data: unknown }) => void;

/** A browser WebSocket as the bridge sees it; the test opens, drops and refuses it. */
class FakeSocket implements BridgeSocket {
  readyState = 0;
  readonly sent: string[] = [];
  readonly #listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.#emit('close');
  }
  open(): void {
    this.readyState = 1;
    this.#emit('open');
  }
  /** The upgrade was refused (a 401 for an unpaired device looks the same to the page as a dead server). */
  refuse(): void {
    this.readyState = 3;
    this.#emit('error');
    this.#emit('close');
  }
  receive(frame: unknown): void {
    this.#emit('message', { data: JSON.stringify(frame) });
  }
  #emit(type: string, event: { data: unknown } = { data: undefined }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** A probe the test answers, one call at a time. */
class FakeProbe {
  readonly calls: Array<{ signal: AbortSignal; answer: (result: PairingProbe) => void; fail: (error: unknown) => void }> = [];
  readonly probe = (signal: AbortSignal) =>
    new Promise<PairingProbe>((resolve, reject) => this.calls.push({ signal, answer: resolve, fail: reject }));
  /** Answers the latest call and lets the bridge act on it. */
  async answer(result: PairingProbe): Promise<void> {
    this.calls.at(-1)!.answer(result);
    await vi.advanceTimersByTimeAsync(0);
  }
}

let sockets: FakeSocket[];
let bridge: WebBridge | undefined;

function start(options: Partial<WebBridgeOptions> = {}) {
  const states: LinkState[] = [];
  bridge = createWebBridge({
    url: 'ws://hearth.test/api/ws',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    ...options,
  });
  bridge.link.subscribe((state) => states.push(state));
  return { bridge, states, last: () => sockets.at(-1)! };
}

beforeEach(() => {
  sockets = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  bridge?.close();
  bridge = undefined;
  vi.useRealTimers();
});

describe('web bridge: the link', () => {
  it('opens, answers invokes over the socket, and reconnects with backoff after a drop', async () => {
    const { bridge, states, last } = start();
    expect(bridge.link.state).toBe('connecting');
    last().open();
    const answer = bridge.invoke('state:get');
    await vi.advanceTimersByTimeAsync(0);
    const sent = JSON.parse(last().sent[0]!) as { id: number };
    last().receive({ type: 'result', id: sent.id, result: { ok: true, value: 'snapshot' } });
    await expect(answer).resolves.toEqual({ ok: true, value: 'snapshot' });
    last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(bridge.link.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(600); // the first delay is at most 0.6 s
    expect(sockets).toHaveLength(2);
    last().open();
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });
});

describe('web bridge: a page whose device was unpaired', () => {
  it('asks the probe once per failed socket and, on "not paired", reports unpaired and retries slowly', async () => {
    const probe = new FakeProbe();
    const { bridge, states, last } = start({ probePairing: probe.probe });
    last().open();
    expect(probe.calls).toHaveLength(0); // an open socket needs no probe

    // The device is revoked: the server closes the socket, then refuses every upgrade.
    last().close();
    expect(probe.calls).toHaveLength(1);
    expect(bridge.link.state).toBe('reconnecting');
    await probe.answer('unpaired');
    expect(bridge.link.state).toBe('unpaired');

    // No quick retry while unpaired; one after 15 s (±20 %), and again one probe for it.
    await vi.advanceTimersByTimeAsync(11_000);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(7_000);
    expect(sockets).toHaveLength(2);
    last().refuse();
    expect(probe.calls).toHaveLength(2);
    await probe.answer('unpaired');
    await vi.advanceTimersByTimeAsync(18_000);
    expect(sockets).toHaveLength(3);
    expect(probe.calls).toHaveLength(2); // the retry's socket has not failed yet
    // The banner never flickered back to "reconnecting" between attempts.
    expect(states).toEqual(['open', 'reconnecting', 'unpaired']);

    // Paired again in another tab (same cookie): the next socket opens, and the link is open again.
    last().open();
    expect(bridge.link.state).toBe('open');
    expect(states).toEqual(['open', 'reconnecting', 'unpaired', 'open']);
    expect(probe.calls).toHaveLength(2);
  });

  it('a page that never got a socket open (revoked before it loaded its state) is unpaired too', async () => {
    const probe = new FakeProbe();
    const { bridge, last } = start({ probePairing: probe.probe });
    last().refuse();
    expect(bridge.link.state).toBe('connecting');
    await probe.answer('unpaired');
    expect(bridge.link.state).toBe('unpaired');
  });

  it('a socket that drops while still paired keeps the reconnect banner and the usual backoff', async () => {
    const probe = new FakeProbe();
    const { bridge, states, last } = start({ probePairing: probe.probe });
    last().refuse(); // never opened: still connecting
    await probe.answer('paired');
    expect(bridge.link.state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(600);
    last().open();
    last().close();
    await probe.answer('paired');
    expect(bridge.link.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(3);
    expect(states).toEqual(['open', 'reconnecting']);
  });

  it('the retry waits for the probe: one probe, then one socket, per failed attempt', async () => {
    const probe = new FakeProbe();
    const { last } = start({ probePairing: probe.probe });
    last().refuse();
    await vi.advanceTimersByTimeAsync(5_000); // the probe has not answered (and has not timed out)
    expect(sockets).toHaveLength(1);
    expect(probe.calls).toHaveLength(1);
    await probe.answer('paired');
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    expect(probe.calls).toHaveLength(1);
  });

  it('once unpaired, an unknown answer (Hearth unreachable) keeps it; a "paired" one goes back to reconnecting', async () => {
    const probe = new FakeProbe();
    const { bridge, states, last } = start({ probePairing: probe.probe });
    last().open();
    last().close();
    await probe.answer('unpaired');
    await vi.advanceTimersByTimeAsync(18_000);
    last().refuse();
    await probe.answer('unknown');
    expect(bridge.link.state).toBe('unpaired');
    await vi.advanceTimersByTimeAsync(18_000); // still the slow retry
    last().refuse();
    await probe.answer('paired'); // paired again, but the socket still failed (Hearth restarting)
    expect(bridge.link.state).toBe('reconnecting');
    expect(states).toEqual(['open', 'reconnecting', 'unpaired', 'reconnecting']);
  });
});

describe('web bridge: a probe that fails is "still unknown"', () => {
  const failures: Array<[string, WebBridgeOptions['probePairing']]> = [
    ['rejects', () => Promise.reject(new TypeError('Failed to fetch'))],
    [
      'throws',
      () => {
        throw new Error('no fetch here');
      },
    ],
    ['answers nonsense', () => Promise.resolve('maybe' as PairingProbe)],
  ];
  it.each(failures)('a probe that %s keeps the reconnect banner, and the bridge keeps retrying', async (_name, probePairing) => {
    const { bridge, states, last } = start({ probePairing });
    last().open();
    last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(bridge.link.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    last().open();
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('a probe that never answers is aborted after probeTimeoutMs, and the bridge retries', async () => {
    const probe = new FakeProbe();
    const { bridge, last } = start({ probePairing: probe.probe, probeTimeoutMs: 10_000 });
    last().open();
    last().close();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(probe.calls[0]!.signal.aborted).toBe(false);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.calls[0]!.signal.aborted).toBe(true);
    expect(bridge.link.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(600);
    expect(sockets).toHaveLength(2);
    // A late answer from the timed-out probe changes nothing.
    await probe.answer('unpaired');
    expect(bridge.link.state).toBe('reconnecting');
  });

  it('closing the bridge during a probe aborts it, and nothing reconnects', async () => {
    const probe = new FakeProbe();
    const { bridge, states, last } = start({ probePairing: probe.probe });
    last().open();
    last().close();
    bridge.close();
    expect(probe.calls[0]!.signal.aborted).toBe(true);
    await probe.answer('unpaired');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(states).toEqual(['open', 'reconnecting', 'closed']);
  });

  it('without a probe, the bridge never reports unpaired', async () => {
    const { bridge, last } = start();
    last().refuse();
    await vi.advanceTimersByTimeAsync(0);
    expect(bridge.link.state).toBe('connecting');
  });
});

describe('healthProbe', () => {
  const answering = (status: number) =>
    vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => new Response(status === 204 ? null : 'x', { status }));

  it('asks /health with the page cookie and no cache, and reads 401 as not paired', async () => {
    const fetchImpl = answering(401);
    const signal = new AbortController().signal;
    await expect(healthProbe('http://hearth.test/health', fetchImpl)(signal)).resolves.toBe('unpaired');
    expect(fetchImpl).toHaveBeenCalledWith('http://hearth.test/health', {
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'manual',
      signal,
    });
  });

  it.each([
    [200, 'paired'],
    [204, 'paired'],
    [401, 'unpaired'],
    [429, 'unknown'],
    [500, 'unknown'],
    [502, 'unknown'],
  ] as const)('HTTP %i → %s', async (status, expected) => {
    await expect(healthProbe('http://hearth.test/health', answering(status))(new AbortController().signal)).resolves.toBe(expected);
  });

  it('a network error or an abort is unknown, never a throw', async () => {
    const offline = vi.fn(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(healthProbe('http://hearth.test/health', offline)(new AbortController().signal)).resolves.toBe('unknown');
    const throwing = vi.fn(() => {
      throw new TypeError('Illegal invocation');
    });
    await expect(healthProbe('http://hearth.test/health', throwing)(new AbortController().signal)).resolves.toBe('unknown');
  });
});
