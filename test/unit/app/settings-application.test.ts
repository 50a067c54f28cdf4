import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../preload/contract/settings-schema.js';
import { applySettingsChange, type SettingsTargets } from '../../../main/app/settings-application.js';

/** Records which parts a change reconfigures, in order. */
function recordingTargets(): { calls: string[]; targets: SettingsTargets } {
  const calls: string[] = [];
  const targets: SettingsTargets = {
    logging: () => void calls.push('logging'),
    conversationTimeouts: () => void calls.push('conversationTimeouts'),
    openai: () => void calls.push('openai'),
    micDevice: async () => void calls.push('micDevice'),
    muted: async (muted) => void calls.push(`muted:${muted}`),
    wakeWord: async () => void calls.push('wakeWord'),
    pushToTalk: async () => void calls.push('pushToTalk'),
    homeConnection: () => void calls.push('homeConnection'),
    homeContext: () => void calls.push('homeContext'),
  };
  return { calls, targets };
}

async function callsFor(change: (s: Settings) => void): Promise<string[]> {
  const previous = defaultSettings();
  const next = structuredClone(previous);
  change(next);
  const { calls, targets } = recordingTargets();
  await applySettingsChange(previous, next, targets);
  return calls;
}

describe('applySettingsChange: what a settings change restarts', () => {
  it('restarts nothing when nothing changed', async () => {
    expect(await callsFor(() => undefined)).toEqual([]);
  });

  it('reconnects Home Assistant for a new address, and only re-sends the context for the entity lists', async () => {
    expect(await callsFor((s) => (s.homeAssistant.url = 'http://ha.local:8123'))).toEqual(['homeConnection']);
    expect(await callsFor((s) => (s.homeAssistant.allowSelfSignedCertificate = true))).toEqual(['homeConnection']);
    expect(await callsFor((s) => (s.homeAssistant.exclude = ['light.attic']))).toEqual(['homeContext']);
  });

  it('restarts the wake word for its engine or keywords, not for the microphone or the hotkey', async () => {
    expect(await callsFor((s) => (s.listening.wakeEngine = 'none'))).toEqual(['wakeWord']);
    expect(await callsFor((s) => (s.listening.openWakeWord.threshold = 0.7))).toEqual(['wakeWord']);
    expect(await callsFor((s) => (s.listening.micDevice = 'USB headset'))).toEqual(['micDevice']);
    expect(await callsFor((s) => (s.listening.pushToTalk.mode = 'hold'))).toEqual(['pushToTalk']);
  });

  it('passes the new mute state, and applies several changes in one order', async () => {
    expect(
      await callsFor((s) => {
        s.listening.muted = true;
        s.openai.voice = 'cedar';
        s.conversation.followUpSeconds = 3;
        s.logging.level = 'debug';
      }),
    ).toEqual(['logging', 'conversationTimeouts', 'openai', 'muted:true']);
  });
});
