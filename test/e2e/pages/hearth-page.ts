/**
 * Page objects for the Hearth renderer (Beekeeper's pageComponents style): what a user sees and does,
 * found by role and accessible name, never by implementation details where a name exists. They work
 * the same against the FakeAssistantApi (test/e2e/app) and against the real web-mode server (the
 * lead's end-to-end tests): nothing here knows which host is behind the page.
 *
 * Names are the English ones (the default for a browser in English); language tests use roles.
 */
import type { Locator, Page } from 'playwright-core';

export type ViewName = 'Conversation' | 'Home' | 'Settings';

export class HearthPage {
  readonly conversation: ConversationPane;
  readonly home: HomePane;
  readonly settings: SettingsPane;
  readonly onboarding: OnboardingPane;
  readonly kiosk: KioskPane;

  constructor(readonly page: Page) {
    this.conversation = new ConversationPane(page);
    this.home = new HomePane(page);
    this.settings = new SettingsPane(page);
    this.onboarding = new OnboardingPane(page);
    this.kiosk = new KioskPane(page);
  }

  /** Waits until the app has its first state (the splash is gone). */
  async waitUntilReady(timeoutMs = 10_000): Promise<void> {
    await this.page.locator('.app, .onboarding, .kiosk').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  get nav(): Locator {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  navLink(view: ViewName): Locator {
    return this.nav.getByRole('link', { name: view, exact: true });
  }

  async goTo(view: ViewName): Promise<void> {
    await this.navLink(view).click();
    await this.page.getByRole('heading', { level: 1, name: view, exact: true }).waitFor();
  }

  /** The assistant's state in words ("Listening", "Speaking"…), with its hint. */
  get state(): Locator {
    return this.page.locator('.state[role="status"]').first();
  }

  async stateTitle(): Promise<string> {
    return (await this.state.locator('.state__title').textContent()) ?? '';
  }

  /** Connection health pills: "OpenAI Connected", "Home Assistant Offline". */
  health(service: 'OpenAI' | 'Home Assistant'): Locator {
    return this.page.locator('.health').filter({ has: this.page.locator('.health__service', { hasText: service }) });
  }

  get banners(): Locator {
    return this.page.locator('.banner');
  }

  banner(title: string | RegExp): Locator {
    return this.banners.filter({ has: this.page.locator('.banner__title', { hasText: title }) });
  }
}

export class ConversationPane {
  constructor(readonly page: Page) {}

  get input(): Locator {
    return this.page.getByRole('textbox', { name: 'Message to Hearth' });
  }

  /** Types a message and sends it with Enter. */
  async send(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
  }

  get talkButton(): Locator {
    return this.page.getByRole('button', { name: /^(Talk|Stop)$/ });
  }

  get muteButton(): Locator {
    return this.page.getByRole('button', { name: /^(Mute microphone|Microphone muted)$/ });
  }

  get clearButton(): Locator {
    return this.page.getByRole('button', { name: 'Clear' });
  }

  get transcript(): Locator {
    return this.page.getByRole('log');
  }

  /** Message bubbles, optionally of one speaker. */
  messages(role?: 'user' | 'assistant'): Locator {
    return this.transcript.locator(role ? `.entry--${role} .bubble` : '.entry .bubble');
  }

  async lastAssistantText(): Promise<string> {
    return ((await this.messages('assistant').last().textContent()) ?? '').trim();
  }

  /** Waits for an assistant message matching `text` (streamed in, not necessarily final). */
  async waitForAssistant(text: string | RegExp, timeoutMs = 10_000): Promise<void> {
    await this.messages('assistant').filter({ hasText: text }).first().waitFor({ timeout: timeoutMs });
  }

  get toolCalls(): Locator {
    return this.transcript.locator('.tool');
  }

  toolCall(title: string): Locator {
    return this.toolCalls.filter({ has: this.page.locator('.tool__title', { hasText: title }) });
  }

  get micMeter(): Locator {
    return this.page.getByRole('meter', { name: /Microphone level/ });
  }

  /** "answered in 0.8 s" */
  get lastTurn(): Locator {
    return this.page.locator('.stats__row').filter({ hasText: 'Last turn' }).locator('dd');
  }

  get sessionCost(): Locator {
    return this.page.locator('.stats__row').filter({ hasText: 'This session' }).locator('dd');
  }
}

export class EntityCardObject {
  constructor(
    readonly page: Page,
    readonly root: Locator,
  ) {}

  get toggle(): Locator {
    return this.root.getByRole('switch');
  }

  slider(label: 'Brightness' | 'Colour temperature' | 'Position' | 'Volume'): Locator {
    return this.root.getByRole('slider', { name: label });
  }

  /** Moves a slider to `value` and releases it (input + change, as a drag does). */
  async setSlider(label: 'Brightness' | 'Colour temperature' | 'Position' | 'Volume', value: number): Promise<void> {
    await this.slider(label).fill(String(value));
  }

  get raise(): Locator {
    return this.root.getByRole('button', { name: /^Raise the target/ });
  }

  get lower(): Locator {
    return this.root.getByRole('button', { name: /^Lower the target/ });
  }

  button(name: 'Play' | 'Pause' | 'Activate' | 'Run'): Locator {
    return this.root.getByRole('button', { name, exact: true });
  }

  /** The result of the last action ("Kitchen ceiling: off"). */
  get result(): Locator {
    return this.root.locator('.card__result');
  }

  get state(): Locator {
    return this.root.locator('.card__state');
  }

  get sensitiveBadge(): Locator {
    return this.root.locator('.badge--sensitive');
  }

  get highlightBadge(): Locator {
    return this.root.locator('.badge--highlight');
  }
}

export class HomePane {
  constructor(readonly page: Page) {}

  card(name: string): EntityCardObject {
    return new EntityCardObject(this.page, this.page.getByRole('article', { name, exact: true }));
  }

  /** Area headings in display order. */
  async areaTitles(): Promise<string[]> {
    return this.page.locator('.area__title').allTextContents();
  }

  area(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  get empty(): Locator {
    return this.page.locator('.empty');
  }
}

export class SettingsPane {
  constructor(readonly page: Page) {}

  /** A field by its label. */
  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  /** The field container of a label (label, control, error, help). */
  container(label: string): Locator {
    return this.page.locator('.field').filter({ has: this.page.getByLabel(label, { exact: true }) });
  }

  errorFor(label: string): Locator {
    return this.container(label).locator('.field__error');
  }

  /** A field by its settings path, e.g. 'openai.speed'. */
  byPath(path: string): Locator {
    return this.page.locator(`[data-field="${path}"]`);
  }

  get saveButton(): Locator {
    return this.page.getByRole('button', { name: 'Save', exact: true });
  }

  get revertButton(): Locator {
    return this.page.getByRole('button', { name: 'Revert', exact: true });
  }

  get saveStatus(): Locator {
    return this.page.locator('.savebar__status');
  }

  async save(): Promise<void> {
    await this.saveButton.click();
  }

  section(title: string): Locator {
    return this.page.getByRole('region', { name: title, exact: true });
  }

  /** A secret (API key, token): its status badge and write-only input. */
  secret(label: string): { input: Locator; status: Locator; save: Locator; remove: Locator; result: Locator } {
    const container = this.page.locator('.field--secret').filter({ has: this.page.getByLabel(label, { exact: true }) });
    return {
      input: container.getByLabel(label, { exact: true }),
      status: container.locator('.badge'),
      save: container.getByRole('button', { name: /^(Save|Replace|Checking…)/ }),
      remove: container.getByRole('button', { name: /^Remove/ }),
      result: container.locator('.field__error, .field__success'),
    };
  }

  get testConnectionButton(): Locator {
    return this.page.getByRole('button', { name: /^Test connection|Testing…$/ });
  }

  get testConnectionResult(): Locator {
    return this.page.locator('.ha-test__result');
  }
}

export class OnboardingPane {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.locator('.onboarding');
  }

  get title(): Locator {
    return this.page.locator('.onboarding__title');
  }

  button(name: string | RegExp): Locator {
    return this.root.getByRole('button', { name, exact: typeof name === 'string' });
  }

  get skip(): Locator {
    return this.button('Skip setup');
  }

  get progressText(): Locator {
    return this.page.locator('.onboarding__progress-text');
  }
}

export class KioskPane {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.locator('.kiosk');
  }

  get talkButton(): Locator {
    return this.root.getByRole('button', { name: /^(Talk|Stop)$/ });
  }

  async isCursorHidden(): Promise<boolean> {
    return this.root.evaluate((el) => (globalThis as any).getComputedStyle(el).cursor === 'none');
  }
}
