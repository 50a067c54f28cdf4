/**
 * Axe-like checks without a library, for any page of the renderer (the fake-API tests and the web-mode
 * end-to-end tests): unnamed controls from Chromium's accessibility tree (CDP), and WCAG text contrast
 * computed from the CSS of every visible text against its composited background.
 */
import type { Page } from 'playwright-core';

/** The roles that must have a name. */
const INTERACTIVE = new Set([
  'button',
  'link',
  'textbox',
  'combobox',
  'checkbox',
  'radio',
  'switch',
  'slider',
  'spinbutton',
  'searchbox',
  'listbox',
  'tab',
  'menuitem',
]);

/** Interactive nodes of Chromium's accessibility tree without a name. */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
    nodes: Array<{ ignored: boolean; role?: { value: string }; name?: { value: string }; backendDOMNodeId?: number }>;
  };
  await cdp.detach();
  return nodes
    .filter((n) => !n.ignored && INTERACTIVE.has(n.role?.value ?? '') && !(n.name?.value ?? '').trim())
    .map((n) => `${n.role?.value} #${n.backendDOMNodeId}`);
}

/** Interactive elements in the DOM (to check that a page has something to check). */
export async function interactiveCount(page: Page): Promise<number> {
  return page.locator('button, a[href], input, select, textarea, [role="switch"], [role="slider"]').count();
}

export type ContrastFailure = { text: string; ratio: number; needed: number; color: string; background: string };

/** WCAG contrast of every visible text node's element against its composited background. */
export function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const parse = (value: string): number[] => {
      const numbers = (value.match(/[\d.]+/g) ?? []).map(Number);
      if (value.startsWith('color(srgb')) return [numbers[0]! * 255, numbers[1]! * 255, numbers[2]! * 255, numbers[3] ?? 1];
      return [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0, numbers[3] ?? 1];
    };
    const over = (top: number[], bottom: number[]) => [0, 1, 2].map((i) => top[i]! * top[3]! + bottom[i]! * (1 - top[3]!)).concat(1);
    const luminance = (c: number[]) => {
      const [r, gg, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * gg! + 0.0722 * b!;
    };
    const ratio = (a: number[], b: number[]) => {
      const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (l1! + 0.05) / (l2! + 0.05);
    };
    const background = (el: any): number[] => {
      const layers: number[][] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(g.getComputedStyle(e).backgroundColor);
        if (c[3]! > 0) layers.push(c);
        if (c[3]! >= 1) break;
      }
      let result = [255, 255, 255, 1];
      for (const layer of layers.reverse()) result = over(layer, result);
      return result;
    };
    const failures: ContrastFailure[] = [];
    const walker = g.document.createTreeWalker(g.document.body, 4 /* NodeFilter.SHOW_TEXT */);
    const seen = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || seen.has(el) || !node.textContent.trim()) continue;
      seen.add(el);
      if (el.closest(':disabled, [aria-disabled="true"], .visually-hidden, option, noscript')) continue;
      const rect = el.getBoundingClientRect();
      const style = g.getComputedStyle(el);
      if (rect.width < 2 || rect.height < 2 || style.visibility === 'hidden' || style.display === 'none') continue;
      let opacity = 1;
      for (let e = el; e; e = e.parentElement) opacity *= Number(g.getComputedStyle(e).opacity);
      const bg = background(el);
      const fgRaw = parse(style.color);
      const fg = over([fgRaw[0]!, fgRaw[1]!, fgRaw[2]!, fgRaw[3]! * opacity], bg);
      const size = parseFloat(style.fontSize);
      const bold = Number(style.fontWeight) >= 700;
      const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      const r = ratio(fg, bg);
      if (r < needed) {
        failures.push({
          text: node.textContent.trim().slice(0, 40),
          ratio: Math.round(r * 100) / 100,
          needed,
          color: style.color,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
        });
      }
    }
    return failures;
  });
}
