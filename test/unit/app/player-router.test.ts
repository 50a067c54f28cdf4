import { describe, expect, it } from 'vitest';
import { HeadlessPlayer } from '../../../main/audio/headless-player.js';
import { PlayerRouter } from '../../../main/app/player-router.js';
import { ManualClock } from '../../fakes/manual-clock.js';

/** A router over a fallback player, and `names.length` more outputs to attach, all on one manual clock. */
async function routerWith<N extends string>(...names: N[]) {
  const clock = new ManualClock();
  const fallback = await HeadlessPlayer.create({ clock });
  const outputs = {} as Record<N, HeadlessPlayer>;
  for (const name of names) outputs[name] = await HeadlessPlayer.create({ clock });
  return { clock, fallback, router: new PlayerRouter(fallback), ...outputs };
}

describe('PlayerRouter', () => {
  it('plays through the attached player and falls back when it goes, flushing the cut reply', async () => {
    const { clock, fallback, router, window } = await routerWith('window');
    const drained: string[] = [];
    router.on('drained', (id) => drained.push(id));
    const detach = router.attach(window);
    router.enqueue('a', new Int16Array(24_000));
    expect(window.isPlaying).toBe(true);
    expect(fallback.isPlaying).toBe(false);
    clock.advance(100);
    expect(router.playedSamples('a')).toBe(2400);
    detach();
    await new Promise((r) => setImmediate(r));
    expect(window.isPlaying).toBe(false);
    expect(router.usingFallback).toBe(true);
    expect(drained).toEqual(['']);
    router.enqueue('b', new Int16Array(240));
    expect(fallback.isPlaying).toBe(true);
  });

  it('goes back to the previous output still attached when the newest one leaves', async () => {
    const { fallback, router, window, tab } = await routerWith('window', 'tab');
    router.attach(window);
    const detachTab = router.attach(tab);
    detachTab();
    await new Promise((r) => setImmediate(r));
    router.enqueue('a', new Int16Array(240));
    expect(window.isPlaying).toBe(true);
    expect(fallback.isPlaying).toBe(false);
  });

  it("plays the reply on the conversation owner's output (prefer), but never moves a reply that is playing", async () => {
    const { clock, router, kitchen, bedroom, stranger } = await routerWith('kitchen', 'bedroom', 'stranger');
    router.attach(kitchen);
    const detachBedroom = router.attach(bedroom); // the newest: it would play
    router.prefer(kitchen);
    router.enqueue('a', new Int16Array(24_000));
    expect(kitchen.isPlaying).toBe(true);
    expect(bedroom.isPlaying).toBe(false);
    router.prefer(bedroom); // mid-reply: stays where it is
    expect(router.current).toBe(kitchen);
    router.prefer(stranger); // not attached: ignored
    expect(router.current).toBe(kitchen);
    clock.advance(1100);
    expect(kitchen.isPlaying).toBe(false);
    // The preferred output is now the newest: when it leaves, the one before it plays again.
    router.prefer(bedroom);
    expect(router.current).toBe(bedroom);
    detachBedroom();
    await new Promise((r) => setImmediate(r));
    expect(router.current).toBe(kitchen);
  });
});

describe('PlayerRouter: the played reference', () => {
  it('forwards what the current output plays, and nothing from an output it left', async () => {
    const { clock, router, window } = await routerWith('window');
    let fromRouter = 0;
    router.on('played', (audio) => (fromRouter += audio.samples.length));
    const detach = router.attach(window);
    router.enqueue('a', new Int16Array(2400).fill(3));
    clock.advance(200);
    expect(fromRouter).toBe(2400);
    detach();
    await new Promise((r) => setImmediate(r));
    window.enqueue('stray', new Int16Array(2400).fill(4)); // no longer the router's output
    router.enqueue('b', new Int16Array(1200).fill(5));
    clock.advance(200);
    expect(fromRouter).toBe(3600);
  });
});
