/**
 * Axe-like checks without a library, in each main view, light and kiosk:
 * - every interactive element has an accessible name (Chromium's own accessibility tree, over CDP);
 * - every visible text meets 4.5:1 against its real background (3:1 for large text), computed from CSS;
 * - live regions and landmarks exist; reduced motion stops the animations.
 */
import { describe, expect, it } from 'vitest';
import { defaultStatus, fakeError } from '../../fakes/fake-assistant-api.js';
import { contrastFailures, interactiveCount, unnamedControls } from '../pages/a11y-checks.js';
import { useAppHarness } from '../pages/app-harness.js';
import type { OpenOptions } from '../pages/fake-api-driver.js';
import { busyStatus, sampleCards, sampleTranscript } from '../pages/sample-data.js';

const harness = useAppHarness();

const busy = { transcript: sampleTranscript(), entities: sampleCards(), status: { ...defaultStatus(), ...busyStatus() } };

const VIEWS: Array<[string, Omit<OpenOptions, 'baseUrl'>]> = [
  ['conversation', { fake: { state: busy } }],
  ['home', { hash: 'home', fake: { state: busy } }],
  ['settings', { hash: 'settings', fake: { encrypted: false, storageNote: 'No keyring: stored in a file only you can read.' } }],
  ['onboarding', { fake: { state: { onboarded: false } } }],
  ['kiosk', { query: 'kiosk=1', fake: { state: busy } }],
  ['kiosk portrait', { query: 'kiosk=1', viewport: { width: 800, height: 1280 }, fake: { state: busy } }],
];

describe('accessibility', () => {
  for (const [name, options] of VIEWS) {
    it(`${name}: every control has an accessible name, and text contrast is at least 4.5:1`, async () => {
      const app = await harness.open(options);
      const { page, fake } = app;
      // Banners and error states are part of the check.
      await fake.emit('app:error', fakeError('The microphone was unplugged.', { source: 'mic', category: 'connectivity' }));
      if (name.startsWith('kiosk')) await fake.setStatus({ homeAssistant: 'reconnecting' });
      if (name === 'settings') await page.getByLabel('Speaking speed').fill('9');
      await page.locator('.banner').first().waitFor();
      expect(await interactiveCount(page)).toBeGreaterThan(3);
      expect(await unnamedControls(page)).toEqual([]);
      expect(await contrastFailures(page)).toEqual([]);
    });
  }

  it('the checks catch what they look for', async () => {
    const app = await harness.open();
    await app.page.evaluate(() => {
      const g = globalThis as any;
      const low = g.document.createElement('p');
      low.textContent = 'Grey on white';
      low.style.color = '#aaaaaa';
      g.document.querySelector('.assistant-panel').append(low);
      const unnamed = g.document.createElement('button');
      unnamed.append(g.document.createElementNS('http://www.w3.org/2000/svg', 'svg'));
      g.document.querySelector('.assistant-panel').append(unnamed);
    });
    expect(await contrastFailures(app.page)).toEqual([
      { text: 'Grey on white', ratio: 2.32, needed: 4.5, color: 'rgb(170, 170, 170)', background: 'rgb(255, 255, 255)' },
    ]);
    expect(await unnamedControls(app.page)).toHaveLength(1);
  });

  it('has landmarks, a live transcript and a status region', async () => {
    const app = await harness.open({ fake: { state: busy } });
    const { page } = app;
    await expect(page.getByRole('main').count()).resolves.toBe(1);
    await expect(page.getByRole('banner').count()).resolves.toBe(1);
    await expect(page.getByRole('navigation', { name: 'Main' }).count()).resolves.toBe(1);
    await expect(page.getByRole('complementary', { name: 'Assistant' }).count()).resolves.toBe(1);
    const log = page.getByRole('log');
    await expect(log.getAttribute('aria-live')).resolves.toBe('polite');
    await expect(page.locator('.state').getAttribute('role')).resolves.toBe('status');
    await expect(page.getByRole('meter', { name: 'Microphone level' }).count()).resolves.toBe(1);
    // Nothing is told by colour alone: health and state carry words.
    await expect(page.locator('.health').first().innerText()).resolves.toMatch(/OpenAI\s*Connected/);
  });

  it('stops animations when the user prefers reduced motion', async () => {
    const speaking = {
      state: { status: { ...defaultStatus(), state: { kind: 'conversing' as const, phase: 'assistant-speaking' as const } } },
    };
    let app = await harness.open({ reducedMotion: 'no-preference', fake: speaking });
    const animation = () => app.page.locator('.state__icon').evaluate((el) => (globalThis as any).getComputedStyle(el).animationName);
    await expect(animation()).resolves.toBe('pulse');
    await app.close();
    app = await harness.open({ reducedMotion: 'reduce', fake: speaking });
    await expect(animation()).resolves.toBe('none');
  });
});
