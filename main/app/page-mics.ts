import type { MicSource } from '../audio/mic-source.js';
import type { Player } from '../audio/player.js';
import type { ConversationMics, PageMic } from './conversation-mics.js';
import type { PlayerRouter } from './player-router.js';

/** A web page's microphone as web mode hands it to the app. */
export type PageMicRegistration = {
  deviceId: string;
  label: string;
  mic: MicSource;
  onBusy: (owner: string) => void;
  /** The page's audio output: a wake word there plays the reply there. */
  output: () => Player | undefined;
};

/**
 * Web mode's microphones by device: each page's microphone joins the conversation mics, and the
 * device's newest page is the one its Talk button or typed message gives the conversation to.
 */
export class PageMics {
  readonly #byDevice = new Map<string, PageMic[]>();
  readonly #mics: ConversationMics;
  readonly #router: PlayerRouter;

  constructor(mics: ConversationMics, router: PlayerRouter) {
    this.#mics = mics;
    this.#router = router;
  }

  add(page: PageMicRegistration): () => void {
    const entry: PageMic = {
      label: page.label,
      mic: page.mic,
      onBusy: page.onBusy,
      onClaim: () => {
        const output = page.output();
        if (output) this.#router.prefer(output);
      },
    };
    const remove = this.#mics.addPage(entry);
    const list = this.#byDevice.get(page.deviceId) ?? [];
    this.#byDevice.set(page.deviceId, [...list, entry]);
    return () => {
      remove();
      const rest = (this.#byDevice.get(page.deviceId) ?? []).filter((e) => e !== entry);
      if (rest.length > 0) this.#byDevice.set(page.deviceId, rest);
      else this.#byDevice.delete(page.deviceId);
    };
  }

  /** The device's newest page microphone takes the conversation about to start (call only at rest). */
  claimFor(deviceId: string): void {
    const newest = this.#byDevice.get(deviceId)?.at(-1);
    if (newest) this.#mics.claim(newest);
  }
}
