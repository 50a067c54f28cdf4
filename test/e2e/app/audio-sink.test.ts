/**
 * The page's audio sink in Electron mode: the MessagePort main sends (forwarded by the preload as the
 * window message AUDIO_PORT_MESSAGE) is attached straight to the playback worklet, and the page says
 * `audio:ready`; a context the autoplay policy suspends shows "Turn sound on" and resumes on a click.
 */
import { describe, expect, it } from 'vitest';
import { AUDIO_PORT_MESSAGE } from '../../../preload/contract/types.js';
import { useAppHarness } from '../pages/app-harness.js';

const harness = useAppHarness();

/** Plays the part of main: hands the page a port, as the preload does, and talks to the worklet through it. */
function handOverPort(message: string) {
  const g = globalThis as any;
  const channel = new g.MessageChannel();
  const received: unknown[] = [];
  channel.port1.onmessage = (event: { data: unknown }) => received.push(event.data);
  g.__mainSide = { port: channel.port1, received };
  g.postMessage(message, '*', [channel.port2]);
}

/**
 * Headless Chromium always lets audio start, whatever --autoplay-policy says: this stands in for a
 * browser whose autoplay policy leaves a new AudioContext suspended until a user gesture resumes it.
 */
const AUTOPLAY_BLOCKED = `(() => {
  const Real = globalThis.AudioContext;
  globalThis.AudioContext = class extends Real {
    constructor(options) {
      super(options);
      this.blocked = true;
      void super.suspend();
    }
    get state() {
      return this.blocked ? 'suspended' : super.state;
    }
    resume() {
      this.blocked = false;
      return super.resume();
    }
  };
})();`;

describe('audio sink (Electron path)', () => {
  it('attaches the port to the worklet, says audio:ready, and the worklet plays what main sends', async () => {
    const { page, fake } = await harness.open();
    expect(await fake.callsOf('audio:ready')).toEqual([]);
    await page.evaluate(handOverPort, AUDIO_PORT_MESSAGE);
    expect(await fake.waitForCall('audio:ready')).toEqual([{ sampleRate: 24_000 }]);
    // Main → worklet directly over the port: a 100 ms chunk is played and reported.
    await page.evaluate(() => {
      const side = (globalThis as any).__mainSide;
      const pcm = new Int16Array(2_400).fill(1_000);
      side.port.postMessage({ type: 'chunk', itemId: 'item_1', pcm: pcm.buffer, seq: 1 }, [pcm.buffer]);
    });
    await expect
      .poll(() => page.evaluate(() => ((globalThis as any).__mainSide.received as Array<{ type: string }>).map((m) => m.type)), {
        timeout: 10_000,
      })
      .toContain('drained');
    const progress = await page.evaluate(() =>
      ((globalThis as any).__mainSide.received as Array<{ type: string; playedSamples?: number }>)
        .filter((m) => m.type === 'progress')
        .at(-1),
    );
    expect(progress?.playedSamples).toBe(2_400);
    await expect(page.locator('.banner').count()).resolves.toBe(0);
  });

  it('ignores other window messages', async () => {
    const { page, fake } = await harness.open();
    await page.evaluate(handOverPort, 'some-other-message');
    await page.waitForTimeout(300);
    expect(await fake.callsOf('audio:ready')).toEqual([]);
  });

  it('when autoplay is blocked, offers to turn sound on and says audio:ready after the click', async () => {
    const { page, fake, hearth } = await harness.open({ initScript: AUTOPLAY_BLOCKED });
    await page.evaluate(handOverPort, AUDIO_PORT_MESSAGE);
    const banner = hearth.banner('Sound is off');
    await banner.waitFor();
    expect(await fake.callsOf('audio:ready')).toEqual([]);
    await banner.getByRole('button', { name: 'Turn sound on' }).click();
    expect(await fake.waitForCall('audio:ready')).toEqual([{ sampleRate: 24_000 }]);
    await banner.waitFor({ state: 'detached' });
  });
});
