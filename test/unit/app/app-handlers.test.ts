import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import { createAppHandlers, invokeHandler, type AppHandlerDeps } from '../../../main/app/app-handlers.js';

/** The handlers' dependencies as plain records: every call is logged; nothing of AssistantApp is needed. */
function fakeDeps(): { deps: AppHandlerDeps; calls: string[] } {
  const calls: string[] = [];
  const settings = defaultSettings();
  const record =
    <T>(name: string, value?: T) =>
    async () => {
      calls.push(name);
      return value as T;
    };
  const deps: AppHandlerDeps = {
    settings: () => settings,
    settingsStore: { save: async (candidate) => ({ ok: true, settings: candidate as typeof settings }) },
    applySettings: record('applySettings'),
    publicSettings: record('publicSettings', { settings, secrets: {} as never, loadIssues: [] }),
    secrets: {
      save: record('secrets.save'),
      delete: record('secrets.delete'),
      status: () => ({}) as never,
      forConnection: () => undefined,
    },
    controller: { sendText: (text) => void calls.push(`sendText:${text}`), clearContext: () => void calls.push('clearContext') },
    tools: { run: async () => ({ ok: true, value: undefined, output: '', entityIds: [] }) as never },
    userTurns: () => 0,
    home: { cards: () => [], tools: () => [], reconfigure: record('home.reconfigure') },
    fullState: () => ({}) as never,
    startConversation: (source) => void calls.push(`start:${source}`),
    stopConversation: () => void calls.push('stop'),
    setMuted: record('setMuted'),
    runEchoSelfTest: record('runEchoSelfTest'),
    clearTranscript: () => void calls.push('clearTranscript'),
    highlight: () => void calls.push('highlight'),
    reportError: () => void calls.push('reportError'),
    refreshOpenAIStatus: () => void calls.push('refreshOpenAIStatus'),
    restartWakeWord: record('restartWakeWord'),
    completeOnboarding: record('completeOnboarding'),
  };
  return { deps, calls };
}

describe('app handlers over an explicit dependency type', () => {
  it('clearing the conversation clears the context and the transcript', async () => {
    const { deps, calls } = fakeDeps();
    expect(await invokeHandler(createAppHandlers(deps), 'conversation:clear', [])).toEqual({ ok: true, value: undefined });
    expect(calls).toEqual(['clearContext', 'clearTranscript']);
  });

  it('refuses a Home Assistant token while no address is set, and saves nothing', async () => {
    const { deps, calls } = fakeDeps();
    const answer = await invokeHandler(createAppHandlers(deps), 'secrets:set', [{ kind: 'home-assistant', value: 'token' }]);
    expect(answer).toEqual({ ok: true, value: { ok: false, message: expect.stringContaining("Home Assistant's address first") } });
    expect(calls).toEqual([]);
  });

  it('a Picovoice key is saved for Picovoice and restarts the wake word', async () => {
    const { deps, calls } = fakeDeps();
    const answer = await invokeHandler(createAppHandlers(deps), 'secrets:set', [{ kind: 'picovoice', value: ' key ' }]);
    expect(answer).toMatchObject({ ok: true, value: { ok: true } });
    expect(calls).toEqual(['secrets.save', 'restartWakeWord']);
  });

  it('a card action for a device that is not there answers with a message, without running a tool', async () => {
    const { deps, calls } = fakeDeps();
    const answer = await invokeHandler(createAppHandlers(deps), 'ha:entity-action', [{ entityId: 'light.gone', action: 'toggle' }]);
    expect(answer).toEqual({ ok: true, value: { ok: false, message: 'That device is not available.' } });
    expect(calls).toEqual([]);
  });
});
