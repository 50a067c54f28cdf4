import { TypedEmitter } from '../util/typed-emitter.js';
import { createLogger } from '../util/logger.js';
import { MIC_FRAME_MS, type MicSource, type MicSourceEvents, type MicStatus, type PcmFrame } from '../audio/mic-source.js';
import type { WakeDetection, WakeWordDetector, WakeWordDetectorEvents } from '../wake-word/wake-word-detector.js';

const log = createLogger('mics');

/** Each source keeps this much audio, replayed to the controller's pre-roll when that source takes over. */
const DEFAULT_HISTORY_MS = 2000;

/** A browser's microphone (web mode), as the app registers it. */
export type PageMic = {
  /** Shown to other devices: "busy in <label>". */
  label: string;
  mic: MicSource;
  /** Its wake word fired while another device owns the conversation. */
  onBusy(ownerLabel: string): void;
  /** Its wake word fired and it now owns the conversation (the app plays the reply there). */
  onClaim(): void;
};

export type ConversationMicsOptions = {
  /** The machine's own microphone. */
  machine: MicSource;
  machineLabel: string;
  /** A conversation is under way (the controller is not resting). */
  busy: () => boolean;
  /** A wake-word detector for a page's microphone (the same engine and settings as the machine's); null: none. */
  createDetector: () => Promise<WakeWordDetector | null>;
  historyMs?: number;
};

type Source = {
  label: string;
  mic: MicSource;
  page: PageMic | null;
  detector: WakeWordDetector | null;
  detectorOffs: Array<() => void>;
  /** Bumped whenever the detector is replaced, so a detector that finishes starting late is dropped. */
  detectorGeneration: number;
  history: PcmFrame[];
  /** Added to this source's timestamps while it is the active one (the controller sees one continuous stream). */
  offset: number | undefined;
  offs: Array<() => void>;
  gone: boolean;
};

/**
 * Several microphones, one conversation at a time. The controller sees one `MicSource` (and one
 * wake-word detector): the frames of the active source only, re-timed into one continuous stream.
 * Every source has its own wake word (the machine's detector, and one per page); a wake word on a
 * source takes the conversation when the assistant rests, and that source stays the only one heard
 * until the conversation rests again (then the machine's microphone is the active one). A wake word
 * on another source meanwhile is answered "busy in <owner>". When a source takes over, its last two
 * seconds are replayed into the controller's pre-roll, so the privacy gate and the pre-roll rule work
 * exactly as with one microphone: nothing is sent before a wake, a press or a typed message.
 */
export class ConversationMics extends TypedEmitter<MicSourceEvents> implements MicSource {
  readonly #options: ConversationMicsOptions;
  readonly #historyMs: number;
  readonly #machine: Source;
  readonly #pages = new Set<Source>();
  #active: Source | null;
  #owner: Source | null = null;
  #lastOutMs: number | undefined;
  #muted: boolean;
  readonly #facade = new MicsWakeWord(this);

  constructor(options: ConversationMicsOptions) {
    super();
    this.#options = options;
    this.#historyMs = options.historyMs ?? DEFAULT_HISTORY_MS;
    this.#muted = options.machine.muted;
    this.#machine = this.#follow({ label: options.machineLabel, mic: options.machine, page: null });
    this.#active = this.#machine;
    options.machine.on('status', (status) => this.emit('status', status));
    options.machine.on('error', (error) => this.emit('error', error));
    options.machine.on('end', () => this.emit('end'));
  }

  /** The detector to give the controller: detections of every source, timed in the stream it sees. */
  get wakeWord(): WakeWordDetector {
    return this.#facade;
  }

  get status(): MicStatus {
    return this.#machine.mic.status;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** Who has the conversation (or would have it now): for logs and the busy message. */
  get ownerLabel(): string {
    return (this.#owner ?? this.#active ?? this.#machine).label;
  }

  get pageCount(): number {
    return this.#pages.size;
  }

  async start(): Promise<void> {
    await this.#machine.mic.start();
  }

  async stop(): Promise<void> {
    await this.#machine.mic.stop();
  }

  /** Mute is for every microphone: the machine's is released, pages' frames are dropped. */
  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
    for (const source of [this.#machine, ...this.#pages]) source.history = [];
    await Promise.all([this.#machine.mic.setMuted(muted), ...[...this.#pages].map((p) => p.mic.setMuted(muted))]);
  }

  /** The machine's detector (null: none); the caller stops the old one. */
  setMachineDetector(detector: WakeWordDetector | null): void {
    this.#setDetector(this.#machine, detector);
  }

  /** A page's microphone joins; the returned function removes it (its detector is stopped). */
  addPage(page: PageMic): () => void {
    const source = this.#follow({ label: page.label, mic: page.mic, page });
    this.#pages.add(source);
    void page.mic.setMuted(this.#muted);
    void this.#startPageDetector(source);
    return () => {
      if (source.gone) return;
      source.gone = true;
      this.#pages.delete(source);
      for (const off of source.offs) off();
      const detector = source.detector;
      this.#setDetector(source, null);
      void detector?.stop();
      // The owner left mid-conversation: nobody is heard until the conversation rests (never the
      // machine's microphone instead: it was not woken).
      if (this.#active === source) this.#active = null;
    };
  }

  /** Wake-word settings changed: new detectors for the pages (the machine's is set by the app). */
  async restartPageDetectors(): Promise<void> {
    await Promise.all(
      [...this.#pages].map(async (source) => {
        const old = source.detector;
        this.#setDetector(source, null);
        await old?.stop();
        await this.#startPageDetector(source);
      }),
    );
  }

  /**
   * A press or a typed message on a page: that page's microphone takes the conversation about to
   * start, as its wake word would (false, and nothing changes, while another device has one).
   */
  claim(page: PageMic): boolean {
    const source = [...this.#pages].find((s) => s.page === page);
    if (!source || this.#muted) return false;
    const busy = this.#options.busy();
    if (busy && (this.#owner ?? this.#active) !== source) return false;
    this.#switchTo(source);
    this.#owner = source;
    page.onClaim();
    return true;
  }

  /** The conversation rested: anyone may take the next one; the machine's microphone is heard again. */
  release(): void {
    this.#owner = null;
    this.#switchTo(this.#machine);
  }

  /** @internal the facade's stop(): every detector (shutdown). */
  async stopDetectors(): Promise<void> {
    const all = [this.#machine, ...this.#pages].map((s) => {
      const d = s.detector;
      this.#setDetector(s, null);
      return d?.stop();
    });
    await Promise.all(all);
  }

  /** @internal */ resetDetectors(): void {
    for (const s of [this.#machine, ...this.#pages]) s.detector?.reset();
  }

  /** @internal */ keywords(): readonly string[] {
    return this.#machine.detector?.keywords ?? [...this.#pages].find((p) => p.detector)?.detector?.keywords ?? [];
  }

  #follow(init: Pick<Source, 'label' | 'mic' | 'page'>): Source {
    const source: Source = {
      ...init,
      detector: null,
      detectorOffs: [],
      detectorGeneration: 0,
      history: [],
      offset: undefined,
      offs: [],
      gone: false,
    };
    source.offs.push(
      init.mic.on('frame', (frame) => this.#onFrame(source, frame)),
      init.mic.on('level', (level) => {
        if (this.#active === source) this.emit('level', level);
      }),
    );
    return source;
  }

  async #startPageDetector(source: Source): Promise<void> {
    const generation = ++source.detectorGeneration;
    let detector: WakeWordDetector | null = null;
    try {
      detector = await this.#options.createDetector();
    } catch (error) {
      log.warn({ err: error, page: source.label }, 'no wake word for a page');
    }
    if (!detector) return;
    if (source.gone || generation !== source.detectorGeneration) {
      await detector.stop();
      return;
    }
    this.#setDetector(source, detector);
  }

  #setDetector(source: Source, detector: WakeWordDetector | null): void {
    for (const off of source.detectorOffs) off();
    source.detectorGeneration++;
    source.detector = detector;
    source.detectorOffs = detector
      ? [detector.on('detection', (d) => this.#onDetection(source, d)), detector.on('error', (error) => this.#facade.relay('error', error))]
      : [];
  }

  #onFrame(source: Source, frame: PcmFrame): void {
    if (this.#muted) return;
    source.history.push(frame);
    const oldest = frame.timestampMs - this.#historyMs;
    let drop = 0;
    while (drop < source.history.length && source.history[drop]!.timestampMs < oldest) drop++;
    if (drop > 0) source.history.splice(0, drop);
    // The detector takes ownership of what it is given; the stream keeps the original.
    source.detector?.push(frame.samples.slice(), frame.timestampMs);
    if (this.#active === source) this.#emitFrame(source, frame);
  }

  #emitFrame(source: Source, frame: PcmFrame): void {
    if (source.offset === undefined)
      source.offset = (this.#lastOutMs === undefined ? 0 : this.#lastOutMs + MIC_FRAME_MS) - frame.timestampMs;
    const timestampMs = frame.timestampMs + source.offset;
    this.#lastOutMs = timestampMs;
    this.emit('frame', { samples: frame.samples, timestampMs });
  }

  /** `source` becomes the one the controller hears, starting with its recent past (for the pre-roll). */
  #switchTo(source: Source): void {
    if (this.#active === source) return;
    this.#active = source;
    source.offset = undefined;
    for (const frame of source.history) this.#emitFrame(source, frame);
  }

  #onDetection(source: Source, detection: WakeDetection): void {
    if (this.#muted || source.gone) return;
    const busy = this.#options.busy();
    const owner = this.#owner ?? (busy ? this.#active : null);
    if (busy && owner !== source) {
      const ownerLabel = owner?.label ?? 'another device';
      log.info({ heardOn: source.label, owner: ownerLabel }, 'wake word while another device has the conversation');
      source.page?.onBusy(ownerLabel);
      return;
    }
    this.#switchTo(source);
    this.#owner = source;
    if (source.page) source.page.onClaim();
    const offset = source.offset ?? (this.#lastOutMs ?? 0) - detection.frameTimestampMs;
    this.#facade.relay('detection', { ...detection, frameTimestampMs: detection.frameTimestampMs + offset });
  }
}

/**
 * The one detector the controller holds: detections of every source. Frames pushed by the controller
 * are ignored (each source's frames already went to its own detector, before any re-timing).
 */
class MicsWakeWord extends TypedEmitter<WakeWordDetectorEvents> implements WakeWordDetector {
  readonly #mics: ConversationMics;

  constructor(mics: ConversationMics) {
    super();
    this.#mics = mics;
  }

  get keywords(): readonly string[] {
    return this.#mics.keywords();
  }

  push(): void {}

  /** @internal */ relay<K extends keyof WakeWordDetectorEvents>(event: K, ...args: WakeWordDetectorEvents[K]): void {
    this.emit(event, ...args);
  }

  reset(): void {
    this.#mics.resetDetectors();
  }

  stop(): Promise<void> {
    return this.#mics.stopDetectors();
  }
}
