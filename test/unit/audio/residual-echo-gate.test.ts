import { describe, expect, it } from 'vitest';
import { meanEnergy, ResidualEchoGate } from '../../../main/audio/echo/residual-echo-gate.js';
import { mulberry32 } from '../../../main/util/seeded-random.js';

/** 10 ms blocks of noise at a level (dBFS of the mean energy). */
const random = mulberry32(7);
const block = (dbfs: number): Float32Array => {
  const amplitude = Math.sqrt(3 * 10 ** (dbfs / 10));
  return Float32Array.from({ length: 160 }, () => (random() * 2 - 1) * amplitude);
};
const energyDb = (b: Float32Array) => 10 * Math.log10(b.reduce((s, v) => s + v * v, 0) / b.length);
/** Runs the gate on one block as the processor does: energies first, then `out` in place. */
const run = (gate: ResidualEchoGate, reference: Float32Array, capture: Float32Array, out: Float32Array) =>
  gate.process({ reference: meanEnergy(reference), capture: meanEnergy(capture), residual: meanEnergy(out) }, out);

/** A gate that has heard 1 s of Hearth at -20 dBFS come back at -35 dBFS and be cancelled by 30 dB. */
function trainedGate(): ResidualEchoGate {
  const gate = new ResidualEchoGate();
  for (let i = 0; i < 100; i++) run(gate, block(-20), block(-35), block(-65));
  return gate;
}

describe('the residual echo gate', () => {
  it('learns the echo path from blocks AEC3 clearly cancelled', () => {
    const gain = trainedGate().echoGainDb;
    expect(gain).not.toBeNull();
    expect(gain!).toBeGreaterThan(-17);
    expect(gain!).toBeLessThan(-13);
  });

  it('attenuates what AEC3 left of the echo (a block only 7 dB under it) while Hearth speaks', () => {
    const gate = trainedGate();
    const out = block(-42);
    run(gate, block(-20), block(-35), out);
    expect(energyDb(out)).toBeLessThan(-65);
    expect(gate.gatedBlocks).toBeGreaterThan(0);
  });

  it('lets the user through when they talk over Hearth louder than the echo', () => {
    const gate = trainedGate();
    const before = gate.gatedBlocks;
    const out = block(-22);
    const copy = out.slice();
    run(gate, block(-20), block(-21), out);
    expect(out).toEqual(copy);
    expect(gate.gatedBlocks).toBe(before);
  });

  it('at the start of a reply bounds the echo by its loud end, later by its mean (double talk passes)', () => {
    // An echo path whose blocks come back 10 or 20 dB under the reference: mean -15 dB, loud end -10 dB.
    const gate = new ResidualEchoGate();
    for (let i = 0; i < 200; i++) run(gate, block(-20), block(i % 2 ? -30 : -40), block(-70));
    const silence = () => {
      for (let i = 0; i < 40; i++) run(gate, new Float32Array(160), block(-65), block(-65));
    };
    // A reply starts: a loud syllable AEC3 barely cancelled (-27 dBFS at the mic, -28 left) is echo.
    silence();
    const leak = block(-28);
    run(gate, block(-20), block(-27), leak);
    expect(energyDb(leak)).toBeLessThan(-50);
    // Half a second into the reply the same block passes: below the loud end, above the mean.
    silence();
    for (let i = 0; i < 60; i++) run(gate, block(-20), block(-35), block(-65));
    const talk = block(-28);
    const copy = talk.slice();
    run(gate, block(-20), block(-27), talk);
    expect(talk).toEqual(copy);
  });

  it('touches nothing while Hearth is silent, or before it knows the echo path', () => {
    const gate = trainedGate();
    for (let i = 0; i < 40; i++) run(gate, new Float32Array(160), block(-60), block(-60));
    const quiet = block(-60);
    const copy = quiet.slice();
    run(gate, new Float32Array(160), block(-60), quiet);
    expect(quiet).toEqual(copy);
    const fresh = new ResidualEchoGate();
    const early = block(-42);
    const earlyCopy = early.slice();
    run(fresh, block(-20), block(-35), early);
    expect(early).toEqual(earlyCopy);
  });
});
