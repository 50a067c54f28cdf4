/**
 * Page entry (bundled by renderer-server.ts, run by page.addInitScript before the renderer): installs a
 * FakeAssistantApi as `window.assistant`, configured by `globalThis.__hearthFakeOptions` (set by an
 * earlier init script), and exposes it as `globalThis.__hearthFake` for FakeApiDriver.
 */
// First: no zod JIT. This init script runs before the page's CSP applies, so zod would find `new Function`
// allowed here and fail later when the page's code validates under the CSP.
import './zod-jitless.js';
import { FakeAssistantApi, type FakeAssistantApiOptions } from '../../fakes/fake-assistant-api.js';

const scope = globalThis as unknown as {
  __hearthFakeOptions?: FakeAssistantApiOptions;
  __hearthFake?: FakeAssistantApi;
  assistant?: unknown;
};
const fake = new FakeAssistantApi(scope.__hearthFakeOptions ?? {});
scope.__hearthFake = fake;
Object.defineProperty(globalThis, 'assistant', { value: fake, configurable: false, writable: false });
