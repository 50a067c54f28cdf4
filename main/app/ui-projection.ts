import type { Clock, TimerHandle } from '../util/clock.js';
import type { AssistantError } from '../util/errors.js';
import type { EventChannel, EventChannels } from '../../preload/contract/channels.js';
import type {
  AssistantFullState,
  ConnectionHealth,
  EntityCard,
  StatusView,
  TranscriptItem,
  TurnLatency,
} from '../../preload/contract/types.js';
import type { WireError } from '../../preload/contract/wire-error.js';
import type { SessionStatus, VoiceSession } from '../realtime/voice-session.js';
import type { AssistantController } from './assistant-controller.js';
import { TranscriptHistory } from './transcript-history.js';

/** How long a card stays highlighted after a tool touched its entity. */
const HIGHLIGHT_MS = 8000;
/** Transcript deltas stream fast; the UI gets at most this many updates a second. */
const TRANSCRIPT_INTERVAL_MS = 50;

/** The parts of the status that other parts of the app own, read whenever the status is drawn. */
export type LiveStatus = Pick<StatusView, 'state' | 'muted' | 'homeAssistant' | 'pushToTalk' | 'wakeWord'>;

export type UiProjectionOptions = {
  clock: Clock;
  emit: <C extends EventChannel>(channel: C, payload: EventChannels[C]) => void;
  /** Undefined until the engine is assembled: no status event goes out before that. */
  live: () => LiveStatus | undefined;
  /** The current session's transcript (the projection keeps it across sessions). */
  sessionTranscript: () => readonly TranscriptItem[];
  cards: () => EntityCard[];
  /** Whether a key would be sent to the Realtime server set now ("not configured" otherwise). */
  hasOpenAIKey: () => boolean;
};

/**
 * What the UI draws, projected from the engine: the status view (OpenAI health, cost, last turn, last
 * error), the transcript (throttled), the entity cards with their highlights, and the numbered events
 * (`seq`) that carry them.
 */
export class UiProjection {
  #seq = 0;
  #openai: ConnectionHealth = 'disconnected';
  #lastTurn: TurnLatency | null = null;
  #lastError: WireError | null = null;
  #costUsd = 0;
  #costKnown = true;
  #transcript = new TranscriptHistory();
  #transcriptTimer: TimerHandle | undefined;
  #highlights = new Map<string, number>();
  #highlightTimer: TimerHandle | undefined;
  onboarded = false;
  readonly #o: UiProjectionOptions;

  constructor(options: UiProjectionOptions) {
    this.#o = options;
  }

  /** Follows the controller and the session: every change they report is drawn. */
  follow(controller: AssistantController, session: VoiceSession): void {
    controller.on('state', (state) => {
      if (state.kind === 'conversing' || state.kind === 'connecting') this.#lastError = this.#lastError?.permanent ? this.#lastError : null;
      this.emitStatus();
    });
    controller.on('error', (error) => this.reportError(error));
    controller.on('mic_level', (level) => this.#o.emit('mic:level', level));
    controller.on('muted', () => this.emitStatus());
    controller.on('transcript', () => this.#scheduleTranscript());
    controller.on('tool_call', () => this.#scheduleTranscript());
    controller.on('tool_result', (result) => {
      this.#scheduleTranscript();
      this.highlight(result.entityIds);
    });
    controller.on('usage', (usage) => {
      if (usage.costUsd === null) this.#costKnown = false;
      else this.#costUsd += usage.costUsd;
      this.emitStatus();
    });
    controller.on('metrics', (m) => {
      this.#lastTurn = {
        endOfSpeechToFirstAudioMs: m.endOfSpeechToFirstAudioMs,
        endOfSpeechToFirstPlayedMs: m.endOfSpeechToFirstPlayedMs,
        toolMs: m.toolMs,
      };
      this.emitStatus();
    });
    session.on('status', (status) => {
      this.#openai = openaiHealth(status, this.#o.hasOpenAIKey());
      this.emitStatus();
    });
    session.on('failed', () => {
      this.#openai = 'error';
      this.emitStatus();
    });
  }

  status(): StatusView {
    const live = this.#o.live();
    if (!live) throw new Error('The status is read before the engine is assembled.');
    const { state, muted, homeAssistant, pushToTalk, wakeWord } = live;
    return {
      state,
      muted,
      openai: this.#openai,
      homeAssistant,
      costUsd: this.#costKnown ? Math.round(this.#costUsd * 10_000) / 10_000 : null,
      lastTurn: this.#lastTurn,
      lastError: this.#lastError,
      pushToTalk,
      wakeWord,
    };
  }

  fullState(): AssistantFullState {
    return {
      seq: this.#seq,
      status: this.status(),
      transcript: this.#transcript.items,
      entities: this.#cards(),
      onboarded: this.onboarded,
    };
  }

  /** The OpenAI status says "not configured" exactly when no key would be sent to the server set now. */
  refreshOpenAIStatus(): void {
    const hasKey = this.#o.hasOpenAIKey();
    if (this.#openai === 'not-configured' && hasKey) this.#openai = 'disconnected';
    if (!hasKey) this.#openai = 'not-configured';
    this.emitStatus();
  }

  reportError(error: AssistantError): void {
    this.#lastError = error.toWire();
    this.#o.emit('app:error', this.#lastError);
    this.emitStatus();
  }

  emitStatus(): void {
    if (!this.#o.live()) return;
    this.#o.emit('status:changed', { seq: this.#nextSeq(), status: this.status() });
  }

  clearTranscript(): void {
    this.#transcript.clear();
    this.#emitTranscript();
  }

  highlight(entityIds: readonly string[]): void {
    const until = this.#o.clock.now() + HIGHLIGHT_MS;
    for (const id of entityIds) this.#highlights.set(id, until);
    this.emitCards();
    this.#o.clock.clearTimeout(this.#highlightTimer);
    this.#highlightTimer = this.#o.clock.setTimeout(() => this.emitCards(), HIGHLIGHT_MS + 50);
  }

  emitCards(): void {
    this.#o.emit('entities:changed', { seq: this.#nextSeq(), cards: this.#cards() });
  }

  dispose(): void {
    this.#o.clock.clearTimeout(this.#transcriptTimer);
    this.#o.clock.clearTimeout(this.#highlightTimer);
  }

  #nextSeq(): number {
    return ++this.#seq;
  }

  #scheduleTranscript(): void {
    if (this.#transcriptTimer !== undefined) return;
    this.#transcriptTimer = this.#o.clock.setTimeout(() => {
      this.#transcriptTimer = undefined;
      this.#emitTranscript();
    }, TRANSCRIPT_INTERVAL_MS);
  }

  #emitTranscript(): void {
    this.#transcript.update(this.#o.sessionTranscript());
    this.#o.emit('transcript:changed', { seq: this.#nextSeq(), items: this.#transcript.items });
  }

  #cards(): EntityCard[] {
    const now = this.#o.clock.now();
    for (const [id, until] of this.#highlights) if (until <= now) this.#highlights.delete(id);
    return this.#o.cards().map((card) => (this.#highlights.has(card.id) ? { ...card, highlighted: true } : card));
  }
}

function openaiHealth(status: SessionStatus, hasKey: boolean): ConnectionHealth {
  switch (status) {
    case 'ready':
      return 'connected';
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'closed':
      return hasKey ? 'disconnected' : 'not-configured';
  }
}
