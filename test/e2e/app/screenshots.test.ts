/**
 * Screenshots of the main views, light (1280×800) and kiosk (dark, 1280×800 and 800×1280 portrait), saved
 * to test-artifacts/screenshots/ (git-ignored) for a person to look at. Each also checks that nothing
 * overflows sideways.
 */
import { describe, expect, it } from 'vitest';
import { defaultStatus } from '../../fakes/fake-assistant-api.js';
import { horizontalOverflow, overflowingElements, screenshot, useAppHarness, type AppPage } from '../pages/app-harness.js';
import type { OpenOptions } from '../pages/fake-api-driver.js';
import { busyStatus, sampleCards, sampleTranscript } from '../pages/sample-data.js';

const harness = useAppHarness();

const busy = { transcript: sampleTranscript(), entities: sampleCards(), status: { ...defaultStatus(), ...busyStatus() } };
const portrait = { width: 800, height: 1280 };

type Shot = { name: string; options: Omit<OpenOptions, 'baseUrl'>; prepare?: (app: AppPage) => Promise<void> };

const SHOTS: Shot[] = [
  { name: 'light-conversation', options: { fake: { state: busy } } },
  { name: 'light-conversation-empty', options: { fake: { state: { entities: sampleCards() } } } },
  { name: 'light-home', options: { hash: 'home', fake: { state: busy } } },
  {
    name: 'light-home-empty',
    options: { hash: 'home', fake: { state: { status: { ...defaultStatus(), homeAssistant: 'not-configured' } } } },
  },
  {
    name: 'light-settings',
    options: {
      hash: 'settings',
      fake: { encrypted: false, storageNote: 'No keyring was found: keys are kept in a file only your user can read.' },
    },
  },
  {
    name: 'light-settings-errors',
    options: { hash: 'settings/home-assistant' },
    prepare: async ({ page }) => {
      await page.getByLabel('Home Assistant address').fill('http://homeassistant.local:8123');
      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('Connected to Home Assistant').waitFor();
      await page.getByLabel('Home Assistant address').fill('homeassistant.local:8123');
      await page.getByLabel('Only these entities').fill('light.*');
    },
  },
  { name: 'light-settings-pt', options: { hash: 'settings/listening', locale: 'pt-PT' } },
  { name: 'light-onboarding', options: { fake: { state: { onboarded: false } } } },
  {
    name: 'light-onboarding-try',
    options: { fake: { state: { onboarded: false, transcript: sampleTranscript().slice(0, 3) }, secrets: { openai: true } } },
    prepare: async ({ page, fake }) => {
      await page.getByRole('button', { name: 'Get started' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('button', { name: 'Skip for now' }).click();
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await fake.emit('mic:level', { rmsDbfs: -18, peak: 0.4 });
      await page.getByRole('button', { name: 'Continue' }).click();
      await fake.setStatus({ state: { kind: 'conversing', phase: 'listening' }, openai: 'connected' });
    },
  },
  { name: 'light-conversation-fr', options: { locale: 'fr-FR', fake: { state: busy } } },
  { name: 'kiosk-landscape', options: { query: 'kiosk=1', fake: { state: busy } } },
  { name: 'kiosk-portrait', options: { query: 'kiosk=1', viewport: portrait, fake: { state: busy } } },
  {
    name: 'kiosk-portrait-idle-banner',
    options: { query: 'kiosk=1', viewport: portrait, locale: 'pt-PT', fake: { state: { entities: sampleCards() } } },
    prepare: async ({ fake }) => fake.setStatus({ homeAssistant: 'reconnecting' }),
  },
  {
    name: 'kiosk-landscape-empty',
    options: { query: 'kiosk=1', fake: { state: { status: { ...defaultStatus(), homeAssistant: 'not-configured' } } } },
  },
];

describe('screenshots', () => {
  for (const shot of SHOTS) {
    it(shot.name, async () => {
      const app = await harness.open(shot.options);
      await shot.prepare?.(app);
      await app.page.waitForTimeout(150);
      const path = await screenshot(app.page, shot.name);
      expect(path).toMatch(/\.png$/);
      expect(await horizontalOverflow(app.page)).toBeLessThanOrEqual(0);
      expect(await overflowingElements(app.page)).toEqual([]);
    });
  }
});
