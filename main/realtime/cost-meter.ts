import type { PriceTable } from './price-table.js';

/** The `usage` object of `response.done`, read defensively: any field may be missing. */
export type UsageLike = {
  input_tokens?: number;
  output_tokens?: number;
  input_token_details?: {
    text_tokens?: number;
    audio_tokens?: number;
    image_tokens?: number;
    cached_tokens?: number;
    cached_tokens_details?: { text_tokens?: number; audio_tokens?: number; image_tokens?: number };
  };
  output_token_details?: { text_tokens?: number; audio_tokens?: number };
};

export type UsageReport = {
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Cost of this response in USD; null when the model has no known price. */
  costUsd: number | null;
  totalInputTokens: number;
  totalOutputTokens: number;
  totalCostUsd: number;
};

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Sums usage over a session's life and prices it per modality, cached input at its own rate. */
export class CostMeter {
  #inputTokens = 0;
  #outputTokens = 0;
  #costUsd = 0;
  readonly #prices: PriceTable;

  constructor(prices: PriceTable) {
    this.#prices = prices;
  }

  add(model: string, usage: UsageLike): UsageReport {
    const input = usage.input_token_details ?? {};
    const cached = input.cached_tokens_details ?? {};
    const output = usage.output_token_details ?? {};
    const textIn = n(input.text_tokens) + n(input.image_tokens);
    const audioIn = n(input.audio_tokens);
    const cachedText = Math.min(textIn, n(cached.text_tokens) + n(cached.image_tokens));
    const cachedAudio = Math.min(audioIn, n(cached.audio_tokens));
    const inputTokens = n(usage.input_tokens) || textIn + audioIn;
    const outputTokens = n(usage.output_tokens) || n(output.text_tokens) + n(output.audio_tokens);
    const price = this.#prices(model);
    let costUsd: number | null = null;
    if (price) {
      costUsd =
        ((textIn - cachedText) * price.textInput +
          cachedText * price.cachedTextInput +
          (audioIn - cachedAudio) * price.audioInput +
          cachedAudio * price.cachedAudioInput +
          n(output.text_tokens) * price.textOutput +
          n(output.audio_tokens) * price.audioOutput) /
        1_000_000;
      this.#costUsd += costUsd;
    }
    this.#inputTokens += inputTokens;
    this.#outputTokens += outputTokens;
    return {
      model,
      inputTokens,
      outputTokens,
      costUsd,
      totalInputTokens: this.#inputTokens,
      totalOutputTokens: this.#outputTokens,
      totalCostUsd: this.#costUsd,
    };
  }

  get totalCostUsd(): number {
    return this.#costUsd;
  }
}
