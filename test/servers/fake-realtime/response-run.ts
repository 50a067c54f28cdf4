/**
 * One response, streamed in the order the live API sends its events:
 *
 *   response.created → rate_limits.updated → per output item:
 *     message:  output_item.added → conversation.item.added → content_part.added →
 *               (output_audio.delta + output_audio_transcript.delta)* | output_text.delta* →
 *               output_audio.done → output_audio_transcript.done | output_text.done →
 *               content_part.done → output_item.done → conversation.item.done
 *     function: output_item.added → conversation.item.added → function_call_arguments.delta* →
 *               function_call_arguments.done → output_item.done → conversation.item.done
 *   → response.done (with usage)
 *
 * Audio goes out in `audioChunkMs` pieces every `chunkIntervalMs` (faster than real time), each
 * with the matching slice of the transcript. `cancel()` (barge-in or response.cancel) closes the
 * open item at once (the .done events, item status "incomplete", no conversation.item.done) and
 * sends `response.done` cancelled; nothing more is sent for that response.
 */
import { bytesToMs, frequencyForItem, generateTone, msToBytes, PcmStore } from './audio.js';
import { newId } from './ids.js';
import type { ResponseParams } from './session-validation.js';
import type { JsonObject, ResponseFailure, ScriptedItem, ScriptedTurn, ServerEventDraft } from './types.js';
import { buildUsage, charsToTokens, outputAudioTokens, type InputTokens } from './usage.js';

/** Reply audio per character of a message that gives no `audioMs`. */
const MS_PER_CHARACTER = 60;

export type StoredItem = { item: JsonObject; audio: PcmStore | null };

export type RunTiming = {
  audioChunkMs: number;
  chunkIntervalMs: number;
  toneAmplitude: number;
  replyPcm?: Int16Array | undefined;
  contentPartTypes: 'sdk' | 'item';
  rateLimitsPosition: 'after-created' | 'after-done' | 'none';
};

/** What a response needs from its connection. */
export interface RunHost {
  readonly timing: RunTiming;
  readonly conversationId: string;
  send(event: ServerEventDraft): void;
  sleep(ms: number): Promise<void>;
  /** Resolves when deltas may flow (see `pauseAudio`). */
  audioGate(): Promise<void>;
  /** Appends to the conversation; returns the previous item id (null at the start). */
  addItem(stored: StoredItem): string | null;
  previousItemId(itemId: string): string | null;
  nextToneIndex(): number;
  noteAssistantAudio(): void;
  rateLimitsEvent(tokens: number): ServerEventDraft;
  onFinished(run: ResponseRun): void;
}

type OpenItem =
  | { kind: 'message'; wire: JsonObject; outputIndex: number; audio: PcmStore | null; text: string }
  | { kind: 'function_call'; wire: JsonObject; outputIndex: number };

const FAILURE_MESSAGES: Record<ResponseFailure['type'], string> = {
  rate_limit_exceeded: 'Rate limit reached for requests. Please try again in a moment.',
  insufficient_quota: 'You exceeded your current quota, please check your plan and billing details.',
  server_error: 'The server had an error while processing your request. Sorry about that!',
  // A model withdrawn while sessions on it are open (developers' reports: openai-realtime-console#561).
  model_not_found: 'The model `gpt-realtime` does not exist or you do not have access to it.',
};

function obfuscation(): string {
  return newId('event').slice(6, 6 + 4 + Math.floor(Math.random() * 12));
}

export class ResponseRun {
  readonly id = newId('resp');
  status: 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete' = 'in_progress';
  private done = false;
  private readonly output: JsonObject[] = [];
  private open: OpenItem | null = null;
  private outTextChars = 0;
  private outAudioBytes = 0;
  /** Resolves a stalled response when it is cancelled or aborted. */
  private release: (() => void) | null = null;

  constructor(
    private readonly host: RunHost,
    readonly params: ResponseParams,
    private readonly turn: ScriptedTurn,
    private readonly input: InputTokens,
    private readonly previousInput: InputTokens | null,
    private readonly failure: ResponseFailure | null,
  ) {}

  get isDone(): boolean {
    return this.done;
  }

  /** Assistant audio sent so far (bytes of PCM16). */
  get outputAudioBytes(): number {
    return this.outAudioBytes;
  }

  get inConversation(): boolean {
    return this.params.conversation === 'auto';
  }

  /** Sends everything up to the first pause synchronously, then streams on timers. */
  start(): void {
    void this.run();
  }

  cancel(reason: 'turn_detected' | 'client_cancelled'): void {
    if (this.done) return;
    this.closeOpenItem('incomplete', false);
    this.finish('cancelled', { type: 'cancelled', reason });
    this.release?.();
  }

  /** The connection is gone: stop without sending anything. */
  abort(): void {
    this.done = true;
    this.release?.();
  }

  private async run(): Promise<void> {
    const h = this.host;
    h.send({ type: 'response.created', response: this.responseObject('in_progress', null, null) });
    if (h.timing.rateLimitsPosition === 'after-created') h.send(h.rateLimitsEvent(this.input.text + this.input.audio));
    if (this.failure) {
      const { type, message } = this.failure;
      this.finish('failed', { type: 'failed', error: { type, code: type, message: message ?? FAILURE_MESSAGES[type] } });
      return;
    }
    if (this.turn.stall) {
      // Nothing more until a cancel (or barge-in) ends it: cancel() sends the cancelled response.done.
      await new Promise<void>((resolve) => (this.release = resolve));
      return;
    }
    for (const [index, item] of this.turn.items.entries()) {
      if (item.type === 'message') await this.streamMessage(item, index);
      else await this.streamFunctionCall(item, index);
      if (this.done) return;
    }
    this.finish('completed', null);
  }

  private partType(kind: 'audio' | 'text'): string {
    return this.host.timing.contentPartTypes === 'sdk' ? kind : `output_${kind}`;
  }

  /** Starts an output item: output_item.added, then conversation.item.added. */
  private addOutputItem(wire: JsonObject, outputIndex: number, audio: PcmStore | null): void {
    this.output.push(wire);
    this.host.send({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item: structuredClone(wire) });
    if (this.inConversation) {
      const previous = this.host.addItem({ item: wire, audio });
      this.host.send({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(wire) });
    }
  }

  /** Waits `ms` (if > 0) and for the audio gate; false if the response ended meanwhile. */
  private async pace(ms: number): Promise<boolean> {
    if (ms > 0) await this.host.sleep(ms);
    if (this.done) return false;
    await this.host.audioGate();
    return !this.done;
  }

  private fitsLimit(extraChars: number, extraAudioBytes: number): boolean {
    const limit = this.params.maxOutputTokens;
    if (limit === 'inf') return true;
    const tokens = charsToTokens(this.outTextChars + extraChars) + outputAudioTokens(bytesToMs(this.outAudioBytes + extraAudioBytes));
    return tokens <= limit;
  }

  private stopAtLimit(): void {
    this.closeOpenItem('incomplete', true);
    this.finish('incomplete', { type: 'incomplete', reason: 'max_output_tokens' });
  }

  private async streamMessage(item: Extract<ScriptedItem, { type: 'message' }>, outputIndex: number): Promise<void> {
    const h = this.host;
    const audioMode = this.params.outputModalities[0] === 'audio';
    const wire: JsonObject = {
      id: newId('item'),
      object: 'realtime.item',
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
      // 2026 models label each assistant message (openai-node 7.55: "preserve and resend phase").
      ...(item.phase !== undefined ? { phase: item.phase } : {}),
    };
    const audio = audioMode ? new PcmStore() : null;
    this.open = { kind: 'message', wire, outputIndex, audio, text: '' };
    const open = this.open;
    this.addOutputItem(wire, outputIndex, audio);
    const base = { response_id: this.id, item_id: wire.id, output_index: outputIndex, content_index: 0 };
    h.send({
      type: 'response.content_part.added',
      ...base,
      part: audioMode ? { type: this.partType('audio'), transcript: '' } : { type: this.partType('text'), text: '' },
    });

    const text = item.text;
    if (audioMode && audio) {
      const audioMs = item.audioMs ?? text.length * MS_PER_CHARACTER;
      const toneIndex = h.nextToneIndex();
      const pcm = h.timing.replyPcm
        ? loopedPcm(h.timing.replyPcm, audioMs, toneIndex)
        : generateTone(audioMs, frequencyForItem(toneIndex), h.timing.toneAmplitude);
      const chunkBytes = Math.max(2, msToBytes(h.timing.audioChunkMs));
      const chunks = Math.max(1, Math.ceil(pcm.length / chunkBytes));
      for (let k = 0; k < chunks; k++) {
        if (!(await this.pace(k === 0 ? 0 : h.timing.chunkIntervalMs))) return;
        const piece = pcm.subarray(k * chunkBytes, (k + 1) * chunkBytes);
        const words = text.slice(Math.floor((k * text.length) / chunks), Math.floor(((k + 1) * text.length) / chunks));
        if (!this.fitsLimit(words.length, piece.length)) return this.stopAtLimit();
        if (piece.length > 0) {
          h.send({ type: 'response.output_audio.delta', ...base, delta: piece.toString('base64') });
          audio.append(Buffer.from(piece));
          this.outAudioBytes += piece.length;
          h.noteAssistantAudio();
        }
        if (words.length > 0) {
          h.send({ type: 'response.output_audio_transcript.delta', ...base, delta: words, obfuscation: obfuscation() });
          open.text += words;
          this.outTextChars += words.length;
        }
        wire.content = [{ type: 'output_audio', transcript: open.text }];
      }
    } else {
      const pieces = text.match(/\S+\s*|\s+/g) ?? [];
      for (let k = 0; k < pieces.length; k++) {
        if (!(await this.pace(k === 0 ? 0 : h.timing.chunkIntervalMs))) return;
        const piece = pieces[k] ?? '';
        if (!this.fitsLimit(piece.length, 0)) return this.stopAtLimit();
        h.send({ type: 'response.output_text.delta', ...base, delta: piece, obfuscation: obfuscation() });
        open.text += piece;
        this.outTextChars += piece.length;
        wire.content = [{ type: 'output_text', text: open.text }];
      }
    }
    this.closeOpenItem('completed', true);
  }

  private async streamFunctionCall(item: Extract<ScriptedItem, { type: 'function_call' }>, outputIndex: number): Promise<void> {
    const h = this.host;
    const args = typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {});
    const callId = item.callId ?? newId('call');
    const wire: JsonObject = {
      id: newId('item'),
      object: 'realtime.item',
      type: 'function_call',
      status: 'in_progress',
      name: item.name,
      call_id: callId,
      arguments: '',
    };
    this.open = { kind: 'function_call', wire, outputIndex };
    this.addOutputItem(wire, outputIndex, null);
    const base = { response_id: this.id, item_id: wire.id, output_index: outputIndex, call_id: callId };
    const size = Math.max(1, Math.ceil(args.length / 4));
    const pieces: string[] = [];
    for (let i = 0; i < args.length; i += size) pieces.push(args.slice(i, i + size));
    if (!this.fitsLimit(item.name.length, 0)) return this.stopAtLimit();
    this.outTextChars += item.name.length;
    for (let k = 0; k < pieces.length; k++) {
      if (!(await this.pace(k === 0 ? 0 : h.timing.chunkIntervalMs))) return;
      const piece = pieces[k] ?? '';
      if (!this.fitsLimit(piece.length, 0)) return this.stopAtLimit();
      h.send({ type: 'response.function_call_arguments.delta', ...base, delta: piece });
      wire.arguments = String(wire.arguments) + piece;
      this.outTextChars += piece.length;
    }
    h.send({ type: 'response.function_call_arguments.done', ...base, name: item.name, arguments: wire.arguments });
    this.closeOpenItem('completed', true);
  }

  /** Sends the .done events of the open item (if any) with the given final status. */
  private closeOpenItem(status: 'completed' | 'incomplete', conversationDone: boolean): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    const h = this.host;
    const { wire, outputIndex } = open;
    if (open.kind === 'message') {
      const base = { response_id: this.id, item_id: wire.id, output_index: outputIndex, content_index: 0 };
      if (open.audio) {
        h.send({ type: 'response.output_audio.done', ...base });
        h.send({ type: 'response.output_audio_transcript.done', ...base, transcript: open.text });
        h.send({ type: 'response.content_part.done', ...base, part: { type: this.partType('audio'), transcript: open.text } });
        wire.content = [{ type: 'output_audio', transcript: open.text }];
      } else {
        h.send({ type: 'response.output_text.done', ...base, text: open.text });
        h.send({ type: 'response.content_part.done', ...base, part: { type: this.partType('text'), text: open.text } });
        wire.content = [{ type: 'output_text', text: open.text }];
      }
    }
    wire.status = status;
    h.send({ type: 'response.output_item.done', response_id: this.id, output_index: outputIndex, item: structuredClone(wire) });
    if (conversationDone && this.inConversation) {
      h.send({ type: 'conversation.item.done', previous_item_id: h.previousItemId(String(wire.id)), item: structuredClone(wire) });
    }
  }

  private finish(status: Exclude<ResponseRun['status'], 'in_progress'>, statusDetails: JsonObject | null): void {
    if (this.done) return;
    this.done = true;
    this.status = status;
    const usage = buildUsage(this.input, this.previousInput, {
      text: charsToTokens(this.outTextChars),
      audio: outputAudioTokens(bytesToMs(this.outAudioBytes)),
    });
    this.host.send({ type: 'response.done', response: this.responseObject(status, statusDetails, usage) });
    if (this.host.timing.rateLimitsPosition === 'after-done') this.host.send(this.host.rateLimitsEvent(Number(usage.total_tokens)));
    this.host.onFinished(this);
  }

  private responseObject(status: string, statusDetails: JsonObject | null, usage: JsonObject | null): JsonObject {
    return {
      object: 'realtime.response',
      id: this.id,
      status,
      status_details: statusDetails,
      output: this.output.map((item) => structuredClone(item)),
      conversation_id: this.inConversation ? this.host.conversationId : null,
      output_modalities: [...this.params.outputModalities],
      max_output_tokens: this.params.maxOutputTokens,
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: this.params.voice } },
      usage,
      metadata: this.params.metadata,
    };
  }
}

/** `durationMs` of `source` (24 kHz), looped, starting at a different place for each item. */
function loopedPcm(source: Int16Array, durationMs: number, itemIndex: number): Buffer {
  const n = Math.max(0, Math.round((durationMs * 24_000) / 1000));
  const out = new Int16Array(n);
  if (source.length === 0) return Buffer.from(out.buffer);
  // A different place for every item (about 3.3 s further each time, 24 kHz).
  const start = (itemIndex * 79_193) % source.length;
  for (let i = 0; i < n; i++) out[i] = source[(start + i) % source.length]!;
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
