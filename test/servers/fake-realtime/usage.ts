/**
 * Plausible token accounting for `response.done.response.usage` and transcription usage.
 *
 * - text tokens = ceil(characters / 4)
 * - input audio (user audio) = ceil(ms / 100), i.e. 10 tokens/s (a live capture showed 16 tokens for
 *   1.63 s); assistant audio = ceil(ms / 50), 20 tokens/s, both as output and when it is read back
 *   as input on later turns
 * - input of a response = 8 (base) + text(instructions) + text(JSON of tools) + for every
 *   conversation item before the response: 4 + its text (user/system/assistant text, function
 *   call name + arguments, function output) or its audio tokens
 * - cached = what the previous response on the connection read, per modality, rounded down to a
 *   multiple of 64 and capped at the current count (the live service caches in 64-token steps)
 * - output = text tokens of the transcript/text/arguments sent + assistant audio tokens sent;
 *   a cancelled response counts only what was sent
 * - total = input + output; image tokens are always 0
 */
import { bytesToMs } from './audio.js';
import type { JsonObject } from './types.js';

export const charsToTokens = (chars: number): number => Math.ceil(chars / 4);
export const textTokens = (text: string): number => charsToTokens(text.length);
export const inputAudioTokens = (ms: number): number => Math.ceil(ms / 100);
export const outputAudioTokens = (ms: number): number => Math.ceil(ms / 50);

export type InputTokens = { text: number; audio: number };

/** One conversation item as the usage model sees it. */
export type UsageItem = { item: JsonObject; audioBytes: number };

export function countInputTokens(instructions: string, tools: unknown[], items: UsageItem[]): InputTokens {
  let text = 8 + textTokens(instructions) + (tools.length > 0 ? textTokens(JSON.stringify(tools)) : 0);
  let audio = 0;
  for (const { item, audioBytes } of items) {
    text += 4;
    if (item.type === 'function_call') {
      text += textTokens(String(item.name ?? '') + String(item.arguments ?? ''));
    } else if (item.type === 'function_call_output') {
      text += textTokens(String(item.output ?? ''));
    } else if (Array.isArray(item.content)) {
      for (const part of item.content as JsonObject[]) {
        if (part.type === 'input_audio') audio += inputAudioTokens(bytesToMs(audioBytes));
        else if (part.type === 'output_audio') audio += outputAudioTokens(bytesToMs(audioBytes));
        else if (typeof part.text === 'string') text += textTokens(part.text);
      }
    }
  }
  return { text, audio };
}

export function buildUsage(input: InputTokens, previous: InputTokens | null, output: { text: number; audio: number }): JsonObject {
  const cachedText = previous ? Math.min(Math.floor(previous.text / 64) * 64, input.text) : 0;
  const cachedAudio = previous ? Math.min(Math.floor(previous.audio / 64) * 64, input.audio) : 0;
  const inputTokens = input.text + input.audio;
  const outputTokens = output.text + output.audio;
  return {
    total_tokens: inputTokens + outputTokens,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    input_token_details: {
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: 0,
      cached_tokens: cachedText + cachedAudio,
      cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
    },
    output_token_details: { text_tokens: output.text, audio_tokens: output.audio },
  };
}

export function transcriptionUsage(audioMs: number, transcript: string): JsonObject {
  const audio = inputAudioTokens(audioMs);
  const out = textTokens(transcript);
  return {
    type: 'tokens',
    total_tokens: audio + out,
    input_tokens: audio,
    input_token_details: { text_tokens: 0, audio_tokens: audio },
    output_tokens: out,
  };
}
