/** Keyboard only: a logical focus order through the main views, visible focus, everything operable. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useAppHarness } from '../pages/app-harness.js';
import { sampleCards, sampleTranscript } from '../pages/sample-data.js';

const harness = useAppHarness();

/** What has focus, as "role/tag: accessible text", and whether its focus is drawn. */
function focused(page: Page) {
  return page.evaluate(() => {
    const g = globalThis as any;
    const el = g.document.activeElement;
    if (!el || el === g.document.body) return { name: 'body', visible: false };
    const style = g.getComputedStyle(el);
    const text = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('placeholder') || '').trim().replace(/\s+/g, ' ');
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return { name: `${el.getAttribute('role') ?? el.tagName.toLowerCase()}: ${text}`, visible: outline };
  });
}

async function tabUntil(page: Page, matcher: RegExp, max = 60): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const { name, visible } = await focused(page);
    seen.push(name);
    expect(visible, `focus is visible on ${name}`).toBe(true);
    if (matcher.test(name)) return seen;
  }
  throw new Error(`never reached ${matcher} by Tab: ${seen.join(' | ')}`);
}

describe('keyboard', () => {
  it('tabs in a logical order through the conversation view and operates it', async () => {
    const app = await harness.open({ fake: { state: { transcript: sampleTranscript(), entities: sampleCards() } } });
    const { page, fake } = app;
    const order = await tabUntil(page, /^button: Talk|^button: Stop/);
    expect(order[0]).toBe('a: Skip to main content');
    expect(order.slice(1, 4)).toEqual(['a: Conversation', 'a: Home', 'a: Settings']);
    // Main content before the side panel: transcript, then the composer, then the assistant controls.
    const clear = order.findIndex((n) => n.includes('Clear'));
    const composer = order.findIndex((n) => n.includes('Type a message'));
    const talk = order.length - 1;
    expect(clear).toBeGreaterThan(3);
    expect(composer).toBeGreaterThan(clear);
    expect(talk).toBeGreaterThan(composer);
    await page.keyboard.press('Enter');
    await fake.waitForCall('conversation:start');
    // Type a message without a mouse (Send is skipped while disabled: nothing typed yet).
    await page.keyboard.press('Shift+Tab');
    await expect(focused(page)).resolves.toMatchObject({ name: 'input: Type a message instead of speaking…' });
    await page.keyboard.type('Hello');
    await page.keyboard.press('Enter');
    expect(await fake.waitForCall('conversation:send-text')).toEqual([{ text: 'Hello' }]);
  });

  it('skip link jumps to the main content', async () => {
    const app = await harness.open();
    const { page } = app;
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => (globalThis as any).document.activeElement?.id)).resolves.toBe('content');
  });

  it('goes to Home and Settings from the keyboard, focus lands on the new view, controls work', async () => {
    const app = await harness.open({ fake: { state: { entities: sampleCards() } } });
    const { page, fake } = app;
    await tabUntil(page, /^a: Home$/);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).name).toBe('h1: Home');
    const toHallway = await tabUntil(page, /^switch: Front door/);
    expect(toHallway.length).toBe(1); // the first control of the first card
    await page.keyboard.press('Space');
    expect(await fake.waitForCall('ha:entity-action')).toEqual([{ entityId: 'lock.front_door', action: 'turn_on' }]);
    await tabUntil(page, /^input: /); // the garage door's position slider
    await page.keyboard.press('ArrowRight');
    expect((await fake.callsOf('ha:entity-action')).at(-1)).toEqual([
      { entityId: 'cover.garage_door', action: 'set_cover_position', percent: 1 },
    ]);

    await page.keyboard.press('Shift+Tab');
    for (let i = 0; i < 40 && (await focused(page)).name !== 'a: Settings'; i++) await page.keyboard.press('Shift+Tab');
    await expect(focused(page)).resolves.toMatchObject({ name: 'a: Settings' });
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).name).toBe('h1: Settings');
    await tabUntil(page, /^button: Home Assistant$/);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).name).toBe('h2: Home Assistant');
    await tabUntil(page, /^input: http:\/\/homeassistant\.local:8123$/);
    await page.keyboard.type('http://ha.local:8123');
    await tabUntil(page, /^button: Save$/, 120);
    await page.keyboard.press('Enter');
    expect(await fake.waitForCall('settings:update')).toEqual([{ homeAssistant: { url: 'http://ha.local:8123' } }]);
  });
});
