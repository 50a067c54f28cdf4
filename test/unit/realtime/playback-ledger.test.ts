import { describe, expect, it } from 'vitest';
import { PlaybackLedger } from '../../../main/realtime/playback-ledger.js';

describe('PlaybackLedger truncation', () => {
  it('truncates at what was played, in whole ms', () => {
    const ledger = new PlaybackLedger();
    ledger.onAudio('item_a', 'resp_1', 24_000);
    expect(ledger.truncationFor({ itemId: 'item_a', playedSamples: 12_345 })).toEqual({ itemId: 'item_a', audioEndMs: 514 });
  });

  it('does not truncate when everything received was played', () => {
    const ledger = new PlaybackLedger();
    ledger.onAudio('item_a', 'resp_1', 4800);
    expect(ledger.truncationFor({ itemId: 'item_a', playedSamples: 4800 })).toBeNull();
    expect(ledger.truncationFor({ itemId: 'unknown', playedSamples: 10 })).toBeNull();
  });

  it('never truncates beyond the audio received', () => {
    const ledger = new PlaybackLedger();
    ledger.onAudio('item_a', 'resp_1', 2400);
    ledger.onAudio('item_a', 'resp_1', 2400);
    expect(ledger.truncationFor({ itemId: 'item_a', playedSamples: 4799 })?.audioEndMs).toBe(199);
  });

  it('lists the unheard items that followed in the same response', () => {
    const ledger = new PlaybackLedger();
    ledger.onAudio('item_a', 'resp_1', 100);
    ledger.onAudio('item_b', 'resp_1', 100);
    ledger.onAudio('item_c', 'resp_2', 100);
    expect(ledger.unheardItemsAfter('item_a')).toEqual(['item_b']);
  });
});
