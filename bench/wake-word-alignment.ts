// `npx tsx bench/wake-word-alignment.ts [out.json]` (about 8 minutes on 2 cores): how openWakeWord's
// decisions depend on where its 80 ms steps fall in the audio, and which decision rule holds on every
// alignment. Prints a summary and writes the JSON (default bench/results/wake-word-alignment.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createOpenWakeWordEngine } from '../main/wake-word/open-wake-word-engine.js';
import { OPEN_WAKE_WORD_STEP_SAMPLES } from '../main/wake-word/open-wake-word-features.js';
import { mapLimit, negativeUtterances, requireSpeechTools, synthesize, toFrames, wakeUtterances, type Utterance } from './test-kit.js';

/**
 * Through a real microphone the step alignment changes from run to run (PulseAudio delivers the same
 * audio at a different sample offset), so a rule that holds on one alignment can false-wake on another.
 *
 * 1. Recording: each utterance, padded as the real-audio integration test pads it (0.5 s for the wake
 *    utterances, 0.3 s for the others), runs through a one-stream engine (`phases: 1`, raw scores)
 *    after a lead-in (silence from a fresh start, 2 s of silence, or the set's previous utterance and
 *    0.7 s of silence as the integration test plays them) and a shift of 0..1279 samples in steps of
 *    80. Every step's score is kept.
 * 2. Rules: an engine of P streams at shift s is the one-stream runs at s, s + 1280/P, … (shifts
 *    rounded to the 80-sample grid, so P = 3 is approximate), merged in time order. Each rule is
 *    judged on every alignment: the fewest wakes it detects, the most negatives it fires on.
 * 3. Check: the engine as the app creates it (defaults) on every utterance at 22 alignments (shifts
 *    0..400 in steps of 40, its 3 streams repeat every ≈ 427 samples; after a fresh start, and after
 *    2 s of silence for the wakes or after the previous utterance for the negatives), fed in
 *    512-sample frames as PvRecorder delivers them.
 */

const SHIFT_STEP = 80;
const SHIFTS = Array.from({ length: OPEN_WAKE_WORD_STEP_SAMPLES / SHIFT_STEP }, (_, i) => i * SHIFT_STEP);
const WAKE_PAD_SECONDS = 0.5;
const NEGATIVE_PAD_SECONDS = 0.3;
const GAP_AFTER_PREVIOUS_SECONDS = 0.7;
const SAMPLE_RATE = 16_000;

/** Seconds of silence before the utterance (0: right after reset), or the previous utterance of its set and a gap. */
type Lead = number | 'previous';
const LEADS: readonly Lead[] = [0, 2, 'previous'];
/** The check's lead-ins: a wake right after the previous wake would be debounced (the integration test waits for rest in between). */
const CHECK_LEADS = { wake: [0, 2], negative: [0, 'previous'] } as const satisfies Record<Clip['kind'], readonly Lead[]>;
const CHECK_ALIGNMENTS = 2;
const CHECK_SHIFTS = Array.from({ length: 11 }, (_, i) => i * 40).filter((s) => s < 427);

type Clip = { u: Utterance; kind: 'wake' | 'negative'; samples: Int16Array; previous: Int16Array };
/** Per clip, per lead, per shift: the raw score of every step. */
type Recording = { clip: Clip; scores: Map<string, number[]> };

const key = (lead: Lead, shift: number) => `${lead}/${shift}`;
const round = (v: number) => Math.round(v * 1000) / 1000;

function withLead(clip: Clip, lead: Lead, shift: number): Int16Array {
  const before =
    lead === 'previous' ? clip.previous.length + Math.round(GAP_AFTER_PREVIOUS_SECONDS * SAMPLE_RATE) : Math.round(lead * SAMPLE_RATE);
  const audio = new Int16Array(shift + before + clip.samples.length);
  if (lead === 'previous') audio.set(clip.previous, shift);
  audio.set(clip.samples, shift + before);
  return audio;
}

/** The highest value of `scores` held for `n` consecutive entries. */
function held(scores: readonly number[], n: number): number {
  let best = 0;
  for (let i = n - 1; i < scores.length; i++) {
    let low = Infinity;
    for (let j = i - n + 1; j <= i; j++) low = Math.min(low, scores[j]!);
    best = Math.max(best, low);
  }
  return best;
}

/** Per stream, per step: the step's time in the audio and its score. */
type Streams = Array<Array<{ t: number; x: number }>>;

/** The streams of a P-stream engine at `shift`: [stream][step] scores, with each step's time in the audio. */
function streamsAt(r: Recording, lead: Lead, shift: number, streams: number): Streams {
  return Array.from({ length: streams }, (_, i) => {
    const s = (Math.round((shift + (i * OPEN_WAKE_WORD_STEP_SAMPLES) / streams) / SHIFT_STEP) * SHIFT_STEP) % OPEN_WAKE_WORD_STEP_SAMPLES;
    return r.scores.get(key(lead, s))!.map((x, k) => ({ t: (k + 1) * OPEN_WAKE_WORD_STEP_SAMPLES - s, x }));
  });
}

type Rule = { name: string; streams: number; fires: (streams: Streams) => boolean };

/** Any stream's score held `n` steps ≥ t. */
const bestHeld = (n: number) => (ss: Streams, t: number) =>
  ss.some(
    (s) =>
      held(
        s.map((p) => p.x),
        n,
      ) >= t,
  );

/** The mean of every stream's latest score ≥ t, at any step of any stream. */
function meanReaches(ss: Streams, t: number): boolean {
  const merged = ss.flatMap((s, i) => s.map((p) => ({ ...p, i }))).sort((a, b) => a.t - b.t);
  const latest = new Array<number>(ss.length).fill(0);
  for (const p of merged) {
    latest[p.i] = p.x;
    if (latest.reduce((a, b) => a + b, 0) / ss.length >= t) return true;
  }
  return false;
}

/** The rule variants, each judged with 1–4 streams (from `minStreams`) at each of its thresholds. */
const RULE_VARIANTS: ReadonlyArray<{
  name: (streams: number, t: number) => string;
  thresholds: readonly number[];
  minStreams: number;
  fires: (ss: Streams, t: number) => boolean;
}> = [
  { name: (streams, t) => `${streams} stream(s), best ≥ ${t}`, thresholds: [0.5, 0.6, 0.7], minStreams: 1, fires: bestHeld(1) },
  {
    name: (streams, t) => `${streams} stream(s), best held 2 steps ≥ ${t}`,
    thresholds: [0.3, 0.4, 0.5],
    minStreams: 1,
    fires: bestHeld(2),
  },
  {
    name: (streams, t) => `${streams} streams, mean ≥ ${t}`,
    thresholds: [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7],
    minStreams: 2,
    fires: meanReaches,
  },
];

function rules(): Rule[] {
  return [1, 2, 3, 4].flatMap((streams) =>
    RULE_VARIANTS.filter((v) => streams >= v.minStreams).flatMap((v) =>
      v.thresholds.map((t) => ({ name: v.name(streams, t), streams, fires: (ss: Streams) => v.fires(ss, t) })),
    ),
  );
}

export async function measureWakeWordAlignment(log: (line: string) => void = () => undefined) {
  requireSpeechTools();
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-align-'));
  try {
    const synthesized = [
      ...(await mapLimit(wakeUtterances(), 4, async (u) => ({
        u,
        kind: 'wake' as const,
        samples: await synthesize(dir, u, WAKE_PAD_SECONDS),
      }))),
      ...(await mapLimit(negativeUtterances(), 4, async (u) => ({
        u,
        kind: 'negative' as const,
        samples: await synthesize(dir, u, NEGATIVE_PAD_SECONDS),
      }))),
    ];
    const clips: Clip[] = synthesized.map((c) => {
      const set = synthesized.filter((x) => x.kind === c.kind);
      return { ...c, previous: set[(set.indexOf(c) + set.length - 1) % set.length]!.samples };
    });

    // 1. Recording, one stream.
    log(`recording raw scores: ${clips.length} utterances × ${LEADS.length * SHIFTS.length} alignments`);
    const raw = await createOpenWakeWordEngine({ keywords: [{ model: 'hey_jarvis', threshold: 1 }], phases: 1, debounceMs: 0 });
    const recordings: Recording[] = [];
    try {
      for (const clip of clips) {
        const scores = new Map<string, number[]>();
        for (const lead of LEADS) {
          for (const shift of SHIFTS) {
            const audio = withLead(clip, lead, shift);
            raw.reset();
            const steps: number[] = [];
            // One step per 1280-sample frame: the score after each frame is that step's.
            for (let i = 0; i + OPEN_WAKE_WORD_STEP_SAMPLES <= audio.length; i += OPEN_WAKE_WORD_STEP_SAMPLES) {
              if (raw.process(audio.subarray(i, i + OPEN_WAKE_WORD_STEP_SAMPLES)) !== null) {
                throw new Error(`${clip.u.id} scored 1.0, the recording threshold: its later scores are not raw`);
              }
              steps.push(raw.scores['hey jarvis'] ?? 0);
            }
            scores.set(key(lead, shift), steps);
          }
        }
        recordings.push({ clip, scores });
      }
    } finally {
      raw.dispose();
    }
    // Only the utterance's own steps (and after it) count: with the 'previous' lead-in, earlier steps belong to the previous utterance.
    for (const r of recordings) {
      for (const shift of SHIFTS) {
        const all = r.scores.get(key('previous', shift))!;
        const firstOwn = Math.floor(
          (shift + r.clip.previous.length + GAP_AFTER_PREVIOUS_SECONDS * SAMPLE_RATE) / OPEN_WAKE_WORD_STEP_SAMPLES,
        );
        r.scores.set(
          key('previous', shift),
          all.map((x, k) => (k < firstOwn ? 0 : x)),
        );
      }
    }

    const perUtterance = recordings.map((r) => {
      const streams = [...r.scores.values()];
      const range = (f: (s: number[]) => number) => [round(Math.min(...streams.map(f))), round(Math.max(...streams.map(f)))];
      return {
        id: r.clip.u.id,
        text: r.clip.u.text,
        one_stream_max: range((s) => held(s, 1)),
        one_stream_held_2_steps: range((s) => held(s, 2)),
        one_stream_held_3_steps: range((s) => held(s, 3)),
      };
    });

    // 2. Rules.
    const wakes = recordings.filter((r) => r.clip.kind === 'wake');
    const negatives = recordings.filter((r) => r.clip.kind === 'negative');
    const ruleResults = rules().map((rule) => {
      const alignments = LEADS.flatMap((lead) =>
        SHIFTS.filter((s) => s < OPEN_WAKE_WORD_STEP_SAMPLES / rule.streams).map((shift) => ({ lead, shift })),
      );
      const firesOn = (r: Recording) => alignments.map((a) => rule.fires(streamsAt(r, a.lead, a.shift, rule.streams)));
      const wakeHits = wakes.map(firesOn);
      const negativeHits = negatives.map(firesOn);
      return {
        rule: rule.name,
        alignments: alignments.length,
        wakes_detected_min: Math.min(...alignments.map((_, a) => wakeHits.filter((h) => h[a]).length)),
        false_wakes_max: Math.max(...alignments.map((_, a) => negativeHits.filter((h) => h[a]).length)),
        wakes_missed_somewhere: wakes.filter((_, i) => wakeHits[i]!.some((h) => !h)).map((r) => r.clip.u.id),
        negatives_firing_somewhere: negatives.filter((_, i) => negativeHits[i]!.some((h) => h)).map((r) => r.clip.u.text),
      };
    });

    // 3. The app's engine, as created with the defaults, fed in 512-sample frames.
    log(`checking the default engine: ${clips.length} utterances × ${CHECK_ALIGNMENTS * CHECK_SHIFTS.length} alignments`);
    const engine = await createOpenWakeWordEngine({ keywords: [{ model: 'hey_jarvis' }] });
    const check = {
      streams: engine.phases,
      threshold: 0.5,
      alignments: CHECK_ALIGNMENTS * CHECK_SHIFTS.length,
      wakes_detected_min: 0,
      wakes_detected_max: 0,
      false_wakes_max: 0,
      wakes: [] as object[],
      negatives: [] as object[],
    };
    try {
      const perAlignment: Array<{ detected: number; falseWakes: number }> = [];
      const perClip = new Map<Clip, { fired: number; maxScore: number; minPeak: number }>();
      for (let l = 0; l < CHECK_ALIGNMENTS; l++) {
        for (const shift of CHECK_SHIFTS) {
          let detected = 0;
          let falseWakes = 0;
          for (const clip of clips) {
            const lead = CHECK_LEADS[clip.kind][l]!;
            engine.reset();
            const frames = toFrames(withLead(clip, lead, shift));
            const own = Math.floor(
              (shift + (lead === 'previous' ? clip.previous.length + GAP_AFTER_PREVIOUS_SECONDS * SAMPLE_RATE : 0)) / 512,
            );
            let fired = false;
            let peak = 0;
            frames.forEach((frame, i) => {
              const detection = engine.process(frame);
              if (i < own) return;
              if (detection) fired = true;
              peak = Math.max(peak, engine.scores['hey jarvis'] ?? 0);
            });
            const stats = perClip.get(clip) ?? { fired: 0, maxScore: 0, minPeak: 1 };
            stats.fired += fired ? 1 : 0;
            stats.maxScore = Math.max(stats.maxScore, peak);
            stats.minPeak = Math.min(stats.minPeak, peak);
            perClip.set(clip, stats);
            if (clip.kind === 'wake' && fired) detected++;
            if (clip.kind === 'negative' && fired) falseWakes++;
          }
          perAlignment.push({ detected, falseWakes });
        }
      }
      for (const [clip, s] of perClip) {
        const row = { id: clip.u.id, fired_on: `${s.fired}/${check.alignments}`, peak_score: [round(s.minPeak), round(s.maxScore)] };
        (clip.kind === 'wake' ? check.wakes : check.negatives).push(row);
      }
      Object.assign(check, {
        wakes_detected_min: Math.min(...perAlignment.map((a) => a.detected)),
        wakes_detected_max: Math.max(...perAlignment.map((a) => a.detected)),
        false_wakes_max: Math.max(...perAlignment.map((a) => a.falseWakes)),
      });
    } finally {
      engine.dispose();
    }
    return {
      wakes: wakes.length,
      negatives: negatives.length,
      leads: LEADS,
      shifts: `0..${OPEN_WAKE_WORD_STEP_SAMPLES - SHIFT_STEP} step ${SHIFT_STEP}`,
      rules: ruleResults,
      default_engine: check,
      per_utterance: perUtterance,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('wake-word-alignment.ts')) {
  const out = process.argv[2] ?? 'bench/results/wake-word-alignment.json';
  const result = await measureWakeWordAlignment((line) => process.stderr.write(`alignment: ${line}\n`));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  for (const r of result.rules) {
    process.stdout.write(
      `${r.rule.padEnd(40)} wakes ≥ ${r.wakes_detected_min}/${result.wakes}, false wakes ≤ ${r.false_wakes_max}/${result.negatives} (${r.alignments} alignments)\n`,
    );
  }
  const c = result.default_engine;
  process.stdout.write(
    `default engine (${c.streams} streams, mean ≥ 0.5): wakes ≥ ${c.wakes_detected_min}/${result.wakes}, false wakes ≤ ${c.false_wakes_max}/${result.negatives} (${c.alignments} alignments)\n`,
  );
}
