/** Kiosk (`?kiosk=1`): full screen, large and dark, no settings chrome, cursor hidden when idle, banners. */
import { describe, expect, it } from 'vitest';
import { defaultStatus } from '../../fakes/fake-assistant-api.js';
import { horizontalOverflow, overflowingElements, useAppHarness } from '../pages/app-harness.js';
import { busyStatus, sampleCards, sampleTranscript } from '../pages/sample-data.js';

const harness = useAppHarness();

const busy = { state: { transcript: sampleTranscript(), entities: sampleCards(), status: { ...defaultStatus(), ...busyStatus() } } };

describe('kiosk', () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 800, height: 1280 },
  ]) {
    it(`fills ${viewport.width}×${viewport.height} without overflow, large and dark, with no settings chrome`, async () => {
      const app = await harness.open({ query: 'kiosk=1', viewport, fake: busy });
      const { page, hearth } = app;
      await hearth.kiosk.root.waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect(await overflowingElements(page)).toEqual([]);
      await expect(page.evaluate(() => (globalThis as any).document.documentElement.className)).resolves.toContain('theme-kiosk');
      await expect(hearth.nav.count()).resolves.toBe(0);
      await expect(page.getByRole('link', { name: 'Settings' }).count()).resolves.toBe(0);
      await expect(page.getByText('Technical details').count()).resolves.toBe(0);
      // Readable across a kitchen: the transcript at 30 px or more, card names at 20 px or more.
      const bubble = await page
        .locator('.bubble')
        .last()
        .evaluate((el) => parseFloat((globalThis as any).getComputedStyle(el).fontSize));
      expect(bubble).toBeGreaterThanOrEqual(30);
      const cardName = await page
        .locator('.card__name')
        .first()
        .evaluate((el) => parseFloat((globalThis as any).getComputedStyle(el).fontSize));
      expect(cardName).toBeGreaterThanOrEqual(20);
      // Dark theme: light text on a dark background.
      const [fg, bg] = await page.evaluate(() => {
        const style = (globalThis as any).getComputedStyle((globalThis as any).document.body);
        return [style.color, style.backgroundColor];
      });
      expect(fg).toBe('rgb(243, 245, 248)');
      expect(bg).toBe('rgb(11, 14, 18)');
      // The big buttons are in view.
      const talk = await hearth.kiosk.talkButton.boundingBox();
      expect(talk!.y + talk!.height).toBeLessThanOrEqual(viewport.height);
      expect(talk!.height).toBeGreaterThanOrEqual(80);
    });
  }

  it('hides the cursor after 5 s without activity and shows it again on a move', async () => {
    const app = await harness.open({ query: 'kiosk=1', fake: busy, clock: true });
    const { page, hearth } = app;
    await hearth.kiosk.root.waitFor();
    await expect(hearth.kiosk.isCursorHidden()).resolves.toBe(false);
    await page.clock.runFor(4_000);
    await expect(hearth.kiosk.isCursorHidden()).resolves.toBe(false);
    await page.clock.runFor(1_500);
    await expect.poll(() => hearth.kiosk.isCursorHidden()).toBe(true);
    await page.mouse.move(200, 200);
    await expect.poll(() => hearth.kiosk.isCursorHidden()).toBe(false);
  });

  it('shows a banner while Home Assistant or OpenAI is unreachable, which clears itself', async () => {
    const app = await harness.open({ query: 'kiosk=1', fake: busy });
    const { hearth, fake } = app;
    await fake.setStatus({ homeAssistant: 'reconnecting', openai: 'error' });
    await hearth.banner('Home Assistant is unreachable').waitFor();
    await hearth.banner('OpenAI is unreachable').waitFor();
    await fake.setStatus({ homeAssistant: 'connected', openai: 'disconnected' });
    await hearth.banner('Home Assistant is unreachable').waitFor({ state: 'detached' });
    await hearth.banner('OpenAI is unreachable').waitFor({ state: 'detached' });
  });

  it('works with no tray: talk, stop and mute are on screen', async () => {
    const app = await harness.open({ query: 'kiosk=1', fake: { state: { entities: sampleCards() } } });
    const { hearth, fake, page } = app;
    await page.getByText('Say “Hey Jarvis” or press Ctrl+Shift+Space').first().waitFor();
    await hearth.kiosk.talkButton.click();
    await fake.waitForCall('conversation:start');
    await page.getByRole('button', { name: 'Mute microphone' }).click();
    await fake.waitForCall('mic:set-muted');
    await hearth.home.card('Kitchen ceiling').toggle.click();
    await fake.waitForCall('ha:entity-action');
  });
});
