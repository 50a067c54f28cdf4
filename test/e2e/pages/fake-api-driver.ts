/**
 * Drives the FakeAssistantApi inside the page (installed by `openWithFakeApi`): pushes events as main
 * would, scripts invoke answers, reads the calls the renderer made. Typed by the contract.
 */
import type { Browser, Page } from 'playwright-core';
import type { EventChannel, EventChannels, InvokeChannel, InvokeChannels } from '../../../preload/contract/channels.js';
import type { EntityCard, StatusView, TranscriptItem } from '../../../preload/contract/types.js';
import type { InvokeResult } from '../../../preload/contract/wire-error.js';
import type { FakeAssistantApiOptions, RecordedCall } from '../../fakes/fake-assistant-api.js';
import { collectProblems } from './page-problems.js';
import { bundleFakeApi } from './renderer-server.js';

type Answer<K extends InvokeChannel> = InvokeResult<ReturnType<InvokeChannels[K]>>;

/** In the page: the fake's methods (the driver calls them through page.evaluate). */
type PageFake = {
  calls: RecordedCall[];
  emit(channel: string, payload: unknown): void;
  setStatus(patch: unknown): void;
  setTranscript(items: unknown): void;
  setEntities(cards: unknown): void;
  respond(channel: string, ...answers: unknown[]): void;
  respondAlways(channel: string, answer: unknown): void;
  delay(channel: string, ms: number): void;
  nextSeq(): number;
  state: { seq: number };
};

export class FakeApiDriver {
  constructor(readonly page: Page) {}

  /** Runs `fn` in the page with the fake as its first argument (page.evaluate bypasses the page's CSP). */
  async #run<T>(fn: (fake: PageFake, arg: any) => T, arg?: unknown): Promise<T> {
    const handle = await this.page.evaluateHandle(() => (globalThis as unknown as { __hearthFake: PageFake }).__hearthFake);
    try {
      return (await handle.evaluate(fn as (fake: PageFake, arg: unknown) => T, arg)) as T;
    } finally {
      await handle.dispose();
    }
  }

  emit<K extends EventChannel>(channel: K, payload: EventChannels[K]): Promise<void> {
    return this.#run((fake, a) => fake.emit(a.channel, a.payload), { channel, payload });
  }

  setStatus(patch: Partial<StatusView>): Promise<void> {
    return this.#run((fake, a) => fake.setStatus(a), patch);
  }

  setTranscript(items: TranscriptItem[]): Promise<void> {
    return this.#run((fake, a) => fake.setTranscript(a), items);
  }

  setEntities(cards: EntityCard[]): Promise<void> {
    return this.#run((fake, a) => fake.setEntities(a), cards);
  }

  /** Sends an event with an explicit (possibly stale) seq. */
  nextSeq(): Promise<number> {
    return this.#run((fake) => fake.nextSeq());
  }

  respond<K extends InvokeChannel>(channel: K, ...answers: Answer<K>[]): Promise<void> {
    return this.#run((fake, a) => fake.respond(a.channel, ...a.answers), { channel, answers });
  }

  respondAlways<K extends InvokeChannel>(channel: K, answer: Answer<K>): Promise<void> {
    return this.#run((fake, a) => fake.respondAlways(a.channel, a.answer), { channel, answer });
  }

  delay(channel: InvokeChannel, ms: number): Promise<void> {
    return this.#run((fake, a) => fake.delay(a.channel, a.ms), { channel, ms });
  }

  calls(): Promise<RecordedCall[]> {
    return this.#run((fake) => fake.calls);
  }

  /** The argument lists of every call on a channel so far. */
  async callsOf(channel: string): Promise<unknown[][]> {
    return (await this.calls()).filter((c) => c.channel === channel).map((c) => c.args);
  }

  /** Waits until the renderer has called `channel` (matching `predicate`), and returns its arguments. */
  async waitForCall(channel: string, predicate: (args: unknown[]) => boolean = () => true, timeoutMs = 5_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = (await this.callsOf(channel)).find(predicate);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`no ${channel} call within ${timeoutMs} ms: ${JSON.stringify(await this.calls())}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export type OpenOptions = {
  baseUrl: string;
  fake?: FakeAssistantApiOptions;
  /** Query string, e.g. 'kiosk=1'. */
  query?: string;
  hash?: string;
  viewport?: { width: number; height: number };
  /** navigator.language(s) of the browser context. */
  locale?: string;
  reducedMotion?: 'reduce' | 'no-preference';
  /** Install Playwright's fake clock before the page loads (for timers such as the kiosk cursor). */
  clock?: boolean;
  /** More script to run before the page's own (e.g. to stand in for a browser policy). */
  initScript?: string;
};

export type OpenedPage = {
  page: Page;
  fake: FakeApiDriver;
  /** Page errors, console errors and warnings, CSP violations. */
  problems: string[];
  close(): Promise<void>;
};

/** Opens the renderer in a fresh context with the fake installed as `window.assistant`. */
export async function openWithFakeApi(browser: Browser, options: OpenOptions): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'en-GB',
    reducedMotion: options.reducedMotion ?? 'reduce',
  });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.addInitScript((fakeOptions) => {
    (globalThis as unknown as { __hearthFakeOptions: unknown }).__hearthFakeOptions = fakeOptions;
  }, options.fake ?? {});
  await page.addInitScript({ content: await bundleFakeApi() });
  if (options.clock) await page.clock.install();
  if (options.initScript) await page.addInitScript({ content: options.initScript });
  const url = `${options.baseUrl}/${options.query ? `?${options.query}` : ''}${options.hash ? `#${options.hash}` : ''}`;
  await page.goto(url);
  return { page, fake: new FakeApiDriver(page), problems, close: () => context.close() };
}
