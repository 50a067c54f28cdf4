/** First run: from nothing to a first spoken answer, and skipping it. */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import { useAppHarness } from '../pages/app-harness.js';
import { sampleCards } from '../pages/sample-data.js';

const harness = useAppHarness();

const fresh = { state: { onboarded: false, entities: sampleCards() }, secrets: { openai: false, 'home-assistant': false } };

describe('onboarding', () => {
  it('guides from an OpenAI key to a first answer', async () => {
    const app = await harness.open({ fake: fresh });
    const { hearth, fake, page } = app;
    const { onboarding } = hearth;
    await expect(onboarding.title.textContent()).resolves.toBe('Welcome to Hearth');
    await expect(onboarding.progressText.textContent()).resolves.toBe('Step 1 of 6');
    await expect(hearth.nav.count()).resolves.toBe(0); // no app chrome until done
    await onboarding.button('Get started').click();

    // OpenAI: the key is tried by main; a refused key says why and Continue stays off.
    await expect(onboarding.title.textContent()).resolves.toBe('Connect to OpenAI');
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Connect to OpenAI');
    await expect(onboarding.button('Continue').isDisabled()).resolves.toBe(true);
    const key = hearth.settings.secret('OpenAI API key');
    await key.input.fill('not-a-key');
    await key.save.click();
    await expect(key.result.innerText()).resolves.toBe('Incorrect API key provided.');
    await key.input.fill('sk-test-123');
    await key.save.click();
    await expect(key.status.innerText()).resolves.toBe('Set');
    await onboarding.button('Continue').click();

    // Home Assistant: URL checked with the schema's message, token, test, save.
    await expect(onboarding.title.textContent()).resolves.toBe('Connect Home Assistant (optional)');
    const url = page.getByLabel('Home Assistant address');
    await url.fill('homeassistant.local');
    await page.getByText('the Home Assistant URL must start with http:// or https://').waitFor();
    await url.fill('http://homeassistant.local:8123');
    await page.getByLabel('Long-lived access token').fill('eyJ-token');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('Connected to Home Assistant 2024.3.3: 10 exposed entities.').waitFor();
    await onboarding.button('Save and continue').click();
    expect(await fake.waitForCall('settings:update')).toEqual([{ homeAssistant: { url: 'http://homeassistant.local:8123' } }]);
    expect(await fake.waitForCall('secrets:set', ([a]) => (a as { kind: string }).kind === 'home-assistant')).toEqual([
      { kind: 'home-assistant', value: 'eyJ-token', url: 'http://homeassistant.local:8123' },
    ]);

    // Wake word or shortcut.
    await expect(onboarding.title.textContent()).resolves.toBe('How will you start talking?');
    await page.getByRole('radio', { name: '“Alexa”' }).check();
    await onboarding.button('Save and continue').click();
    const listening = (await fake.callsOf('settings:update'))[1]![0] as { listening: Record<string, unknown> };
    expect(listening.listening).toMatchObject({
      openWakeWord: { ...defaultSettings().listening.openWakeWord, keywords: ['alexa'] },
      pushToTalk: { hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' },
    });

    // Microphone check with the level meter.
    await expect(onboarding.title.textContent()).resolves.toBe('Check the microphone');
    await page.getByText('Waiting to hear you…').waitFor();
    await fake.emit('mic:level', { rmsDbfs: -22, peak: 0.3 });
    await page.getByText('Hearth can hear you.').waitFor();
    await expect(hearth.conversation.micMeter.getAttribute('aria-valuenow')).resolves.toBe('63');
    await onboarding.button('Continue').click();

    // Try it: say the wake word, or press Talk; the answer shows.
    await expect(onboarding.title.textContent()).resolves.toBe('Try it');
    await page.getByText('Say “Hey Jarvis, what can you do?”').waitFor();
    await page.getByRole('button', { name: 'Talk' }).click();
    await fake.waitForCall('conversation:start');
    await fake.setTranscript([
      { kind: 'message', id: 'u1', role: 'user', text: 'What can you do?', final: true },
      { kind: 'message', id: 'a1', role: 'assistant', text: 'I can turn lights on and off, set the heating…', final: false },
    ]);
    await page.getByText('It works! Hearth answered.').waitFor();
    await onboarding.button('Finish').click();
    await fake.waitForCall('onboarding:complete');
    await hearth.nav.waitFor();
    await expect(hearth.navLink('Conversation').getAttribute('aria-current')).resolves.toBe('page');
  });

  it('can go back, and be skipped at any step', async () => {
    const app = await harness.open({ fake: fresh });
    const { hearth, fake } = app;
    await hearth.onboarding.button('Get started').click();
    await hearth.onboarding.button('Back').click();
    await expect(hearth.onboarding.title.textContent()).resolves.toBe('Welcome to Hearth');
    await hearth.onboarding.button('Get started').click();
    await hearth.onboarding.skip.click();
    await fake.waitForCall('onboarding:complete');
    await hearth.nav.waitFor();
  });

  it('lets the Home Assistant step be skipped, and a push-to-talk-only choice needs a shortcut', async () => {
    const app = await harness.open({ fake: { ...fresh, secrets: { openai: true } } });
    const { hearth, page, fake } = app;
    await hearth.onboarding.button('Get started').click();
    await hearth.onboarding.button('Continue').click();
    await hearth.onboarding.button('Skip for now').click();
    await page.getByRole('radio', { name: 'No wake word' }).check();
    await page.getByLabel('Shortcut', { exact: true }).fill('');
    await page.getByText('Without a wake word, choose a shortcut.').waitFor();
    await expect(hearth.onboarding.button('Save and continue').isDisabled()).resolves.toBe(true);
    // Record a shortcut from a key press.
    await page.getByRole('button', { name: 'Record' }).click();
    await page.keyboard.press('Control+Alt+KeyH');
    await expect(page.getByLabel('Shortcut', { exact: true }).inputValue()).resolves.toBe('CommandOrControl+Alt+H');
    await hearth.onboarding.button('Save and continue').click();
    expect(await fake.waitForCall('settings:update')).toEqual([
      { listening: { wakeEngine: 'none', pushToTalk: { hotkey: 'CommandOrControl+Alt+H', mode: 'toggle' } } },
    ]);
    await expect(hearth.onboarding.title.textContent()).resolves.toBe('Check the microphone');
  });
});
