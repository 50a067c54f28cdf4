/**
 * One browser and one static server of the built renderer per test file; pages opened with the
 * FakeAssistantApi. Page errors, console errors and CSP violations are collected per page.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium, type LaunchedChromium } from '../../helpers/chromium.js';
import { openWithFakeApi, type OpenedPage, type OpenOptions } from './fake-api-driver.js';
import { HearthPage } from './hearth-page.js';
import { BUILT_RENDERER_DIR, SCREENSHOT_DIR, serveRenderer, type StaticServer } from './renderer-server.js';

export type AppPage = OpenedPage & { hearth: HearthPage };

export type AppHarness = {
  browser: LaunchedChromium;
  server: StaticServer;
  open(options?: Omit<OpenOptions, 'baseUrl'>): Promise<AppPage>;
  close(): Promise<void>;
};

export async function startAppHarness(): Promise<AppHarness> {
  const server = await serveRenderer(BUILT_RENDERER_DIR);
  const browser = await launchChromium();
  const pages: AppPage[] = [];
  return {
    browser,
    server,
    async open(options = {}) {
      const opened = await openWithFakeApi(browser, { baseUrl: server.baseUrl, ...options });
      const hearth = new HearthPage(opened.page);
      await hearth.waitUntilReady();
      const page = { ...opened, hearth };
      pages.push(page);
      return page;
    },
    async close() {
      for (const page of pages) await page.close().catch(() => {});
      await browser.closeAndClean();
      await server.close();
    },
  };
}

/**
 * One harness for the test file, as every app suite uses it: started before the first test, closed
 * after the last, and after each test the page it opened last is closed and must have had no page
 * errors, console errors or CSP violations.
 */
export function useAppHarness(): Pick<AppHarness, 'open'> {
  let harness: AppHarness | undefined;
  let last: AppPage | undefined;
  beforeAll(async () => {
    harness = await startAppHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });
  afterEach(async () => {
    const problems = last?.problems ?? [];
    await last?.close();
    last = undefined;
    expect(problems).toEqual([]); // no page errors, console errors or CSP violations
  });
  return {
    async open(options) {
      if (!harness) throw new Error('useAppHarness: open() before the harness started');
      last = await harness.open(options);
      return last;
    },
  };
}

/** The page is no wider than the viewport (nothing overflows sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const g = globalThis as any;
    return g.document.documentElement.scrollWidth - g.innerWidth;
  });
}

/** Elements wider than their scroll container or the viewport (for a readable failure message). */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const g = globalThis as any;
    const out: string[] = [];
    for (const el of Array.from(g.document.querySelectorAll('body *')) as any[]) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || g.getComputedStyle(el).position === 'absolute') continue;
      if (rect.right > g.innerWidth + 1) out.push(`${el.tagName.toLowerCase()}.${String(el.className)} right=${Math.round(rect.right)}`);
    }
    return out.slice(0, 10);
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
