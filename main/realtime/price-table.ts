import type { Price } from '../app/settings.js';

/**
 * USD per million tokens, from OpenAI's model pages (2026). Settings can override any model or field,
 * since prices change more often than releases.
 */
export const DEFAULT_PRICES: Record<string, Price> = {
  'gpt-realtime': { textInput: 4, cachedTextInput: 0.4, audioInput: 32, cachedAudioInput: 0.4, textOutput: 16, audioOutput: 64 },
  'gpt-realtime-1.5': { textInput: 4, cachedTextInput: 0.4, audioInput: 32, cachedAudioInput: 0.4, textOutput: 16, audioOutput: 64 },
  'gpt-realtime-2': { textInput: 4, cachedTextInput: 0.4, audioInput: 32, cachedAudioInput: 0.4, textOutput: 24, audioOutput: 64 },
  'gpt-realtime-2.1': { textInput: 4, cachedTextInput: 0.4, audioInput: 32, cachedAudioInput: 0.4, textOutput: 24, audioOutput: 64 },
  'gpt-realtime-mini': { textInput: 0.6, cachedTextInput: 0.06, audioInput: 10, cachedAudioInput: 0.3, textOutput: 2.4, audioOutput: 20 },
  'gpt-realtime-2.1-mini': {
    textInput: 0.6,
    cachedTextInput: 0.06,
    audioInput: 10,
    cachedAudioInput: 0.3,
    textOutput: 2.4,
    audioOutput: 20,
  },
};

export type PriceTable = (model: string) => Price | undefined;

/** Exact model first, then the longest known prefix (dated snapshots such as gpt-realtime-mini-2025-12-15). */
export function createPriceTable(overrides: Record<string, Partial<Price>> = {}): PriceTable {
  const names = new Set([...Object.keys(DEFAULT_PRICES), ...Object.keys(overrides)]);
  const resolve = (name: string): Price | undefined => {
    const base = DEFAULT_PRICES[name];
    const override = overrides[name];
    if (!base && !override) return undefined;
    const merged = { ...(base ?? ZERO), ...override };
    return base || isComplete(override) ? merged : undefined;
  };
  return (model) => {
    if (names.has(model)) return resolve(model);
    const prefix = [...names].filter((n) => model.startsWith(`${n}-`)).sort((a, b) => b.length - a.length)[0];
    return prefix ? resolve(prefix) : undefined;
  };
}

const ZERO: Price = { textInput: 0, cachedTextInput: 0, audioInput: 0, cachedAudioInput: 0, textOutput: 0, audioOutput: 0 };

function isComplete(p: Partial<Price> | undefined): boolean {
  return !!p && (Object.keys(ZERO) as (keyof Price)[]).every((k) => typeof p[k] === 'number');
}
