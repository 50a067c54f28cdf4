import { describe, expect, it } from 'vitest';
import { CostMeter } from '../../../main/realtime/cost-meter.js';
import { createPriceTable } from '../../../main/realtime/price-table.js';

describe('cost meter', () => {
  it('prices each modality, cached input at its own rate, and keeps a running total', () => {
    const meter = new CostMeter(createPriceTable());
    const report = meter.add('gpt-realtime', {
      input_tokens: 1300,
      output_tokens: 600,
      input_token_details: {
        text_tokens: 1000,
        audio_tokens: 300,
        cached_tokens: 500,
        cached_tokens_details: { text_tokens: 500, audio_tokens: 0 },
      },
      output_token_details: { text_tokens: 100, audio_tokens: 500 },
    });
    // (500×4 + 500×0.4 + 300×32 + 100×16 + 500×64) / 1e6
    expect(report.costUsd).toBeCloseTo((2000 + 200 + 9600 + 1600 + 32000) / 1e6, 10);
    const second = meter.add('gpt-realtime', { input_tokens: 10, output_tokens: 0, input_token_details: { text_tokens: 10 } });
    expect(second.totalInputTokens).toBe(1310);
    expect(second.totalCostUsd).toBeCloseTo(report.costUsd! + 40 / 1e6, 10);
  });

  it('resolves dated snapshots by prefix and lets settings override', () => {
    const table = createPriceTable({
      'gpt-realtime-mini': { audioOutput: 1 },
      'my-model': { textInput: 1, cachedTextInput: 1, audioInput: 1, cachedAudioInput: 1, textOutput: 1, audioOutput: 1 },
    });
    expect(table('gpt-realtime-mini-2025-12-15')?.audioOutput).toBe(1);
    expect(table('gpt-realtime-mini-2025-12-15')?.audioInput).toBe(10);
    expect(table('my-model')?.textInput).toBe(1);
    expect(table('unknown-model')).toBeUndefined();
  });

  it('reports null cost for an unknown model but still counts tokens, and survives junk', () => {
    const meter = new CostMeter(createPriceTable());
    const report = meter.add('unknown', { input_tokens: -5, output_tokens: Number.NaN });
    expect(report.costUsd).toBeNull();
    expect(report.inputTokens).toBe(0);
  });
});
