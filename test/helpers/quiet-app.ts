import { join } from 'node:path';
import { startAssistantApp, type AssistantApp, type StartAssistantAppOptions } from '../../main/app/assistant-app.js';
import { HeadlessPlayer } from '../../main/audio/headless-player.js';
import { SilentMicSource } from '../../main/audio/silent-mic-source.js';
import { KeyFileCipher } from '../../main/secrets/secret-cipher.js';

/**
 * The real assistant app without the machine's devices, as the web-mode and secrets tests (and the
 * web-security bench) start it: its config, data and logs folders under `dir`, secrets under a key
 * file there, a silent microphone, a headless player, no wake word and no push-to-talk. `options`
 * replaces any of these (and sets the environment, which is empty unless given).
 */
export async function startQuietApp(dir: string, options: Partial<StartAssistantAppOptions> = {}): Promise<AssistantApp> {
  return startAssistantApp({
    paths: { config: join(dir, 'config'), data: join(dir, 'data'), logs: join(dir, 'logs') },
    secretCipher: new KeyFileCipher(join(dir, 'data', 'secret.key')),
    env: {},
    createMic: () => new SilentMicSource(),
    fallbackPlayer: await HeadlessPlayer.create(),
    wakeWord: 'off',
    pushToTalk: 'off',
    ...options,
  });
}
