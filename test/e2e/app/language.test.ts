/** Interface language: from the browser's language, switchable to French and European Portuguese, kept. */
import { describe, expect, it } from 'vitest';
import { useAppHarness, type AppPage } from '../pages/app-harness.js';
import { sampleCards } from '../pages/sample-data.js';

const harness = useAppHarness();

const navTexts = (a: AppPage) => a.page.getByRole('navigation').first().getByRole('link').allInnerTexts();
const lang = (a: AppPage) => a.page.evaluate(() => (globalThis as any).document.documentElement.lang);

describe('interface language', () => {
  it('follows a French browser', async () => {
    const app = await harness.open({ locale: 'fr-FR', fake: { state: { entities: sampleCards() } } });
    await expect(navTexts(app)).resolves.toEqual(['Conversation', 'Maison', 'Réglages']);
    await expect(lang(app)).resolves.toBe('fr');
    await expect(app.page.getByRole('button', { name: 'Parler' }).count()).resolves.toBe(1);
    await expect(app.page.locator('.state__title').textContent()).resolves.toBe('À l’écoute du mot d’activation');
    await app.page.getByRole('link', { name: 'Maison' }).click();
    await expect(app.page.locator('.view-subtitle').textContent()).resolves.toBe('10 appareils · 3 pièces');
    await expect(app.page.getByRole('article', { name: 'Kitchen ceiling' }).locator('.card__state-word').textContent()).resolves.toBe(
      'Allumé',
    );
  });

  it('gives a Brazilian browser European Portuguese', async () => {
    const app = await harness.open({ locale: 'pt-BR' });
    await expect(navTexts(app)).resolves.toEqual(['Conversa', 'Casa', 'Definições']);
    await expect(lang(app)).resolves.toBe('pt-PT');
  });

  it('switches to French and to European Portuguese from Settings, and keeps the choice', async () => {
    const app = await harness.open({ locale: 'en-US', hash: 'settings' });
    const { page } = app;
    const select = page.getByLabel('Language', { exact: true });
    await select.selectOption('fr');
    await expect(navTexts(app)).resolves.toEqual(['Conversation', 'Maison', 'Réglages']);
    await expect(lang(app)).resolves.toBe('fr');
    await page.getByRole('heading', { level: 2, name: 'Interface' }).waitFor();
    await expect(page.getByLabel('Langue', { exact: true }).inputValue()).resolves.toBe('fr');
    await page.getByLabel('Langue', { exact: true }).selectOption('pt-PT');
    await expect(navTexts(app)).resolves.toEqual(['Conversa', 'Casa', 'Definições']);
    await expect(lang(app)).resolves.toBe('pt-PT');
    await expect(page.getByRole('button', { name: 'Guardar', exact: true }).count()).resolves.toBe(1);
    // Numbers and money follow the language too.
    await page.getByRole('link', { name: 'Conversa' }).click();
    await app.fake.setStatus({ costUsd: 0.02, lastTurn: { endOfSpeechToFirstAudioMs: 812, endOfSpeechToFirstPlayedMs: null, toolMs: [] } });
    await expect(page.locator('.stats').innerText()).resolves.toMatch(/respondeu em 0,8\s*s[\s\S]*0,02\s*US\$/);
    // Kept across a reload (a preference of this window, not an app setting).
    await page.reload();
    await app.hearth.waitUntilReady();
    await expect(navTexts(app)).resolves.toEqual(['Conversa', 'Casa', 'Definições']);
    expect(await app.fake.callsOf('settings:update')).toEqual([]);
    await page.getByRole('link', { name: 'Definições' }).click();
    await page.getByLabel('Idioma', { exact: true }).selectOption('system');
    await expect(navTexts(app)).resolves.toEqual(['Conversation', 'Home', 'Settings']);
  });
});
