import type { Price } from '../../preload/contract/settings-schema.js';
import { MODEL_CATALOG } from '../../preload/contract/model-catalog.js';

/**
 * USD per million tokens, from the model catalog (preload/contract/model-catalog.ts, the one source):
 * the models whose price is known. Settings can override any model or field, since prices change
 * more often than releases.
 */
export const DEFAULT_PRICES: Record<string, Price> = Object.fromEntries(
  MODEL_CATALOG.flatMap((m) => (m.price ? [[m.id, { ...m.price }] as const] : [])),
);

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
