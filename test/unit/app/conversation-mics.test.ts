import { describe, expect, it } from 'vitest';
import { ConversationMics, type PageMic } from '../../../main/app/conversation-mics.js';
import type { PcmFrame } from '../../../main/audio/mic-source.js';
import { FakeMicSource } from '../../fakes/fake-mic-source.js';
import { FakeWakeWordDetector } from '../../fakes/fake-wake-word-detector.js';

const MACHINE = 1;
const KITCHEN = 2;
const BEDROOM = 3;

function setup() {
  const machine = new FakeMicSource();
  const machineDetector = new FakeWakeWordDetector();
  const detectors: FakeWakeWordDetector[] = [];
  let busy = false;
  const mics = new ConversationMics({
    machine,
    machineLabel: 'this computer',
    busy: () => busy,
    createDetector: async () => {
      const d = new FakeWakeWordDetector();
      detectors.push(d);
      return d;
    },
  });
  mics.setMachineDetector(machineDetector);
  const frames: PcmFrame[] = [];
  mics.on('frame', (f) => frames.push(f));
  const handles: PageMic[] = [];
  const detections: number[] = [];
  mics.wakeWord.on('detection', (d) => detections.push(d.frameTimestampMs));
  const addPage = async (label: string) => {
    const mic = new FakeMicSource();
    const events = { busy: [] as string[], claims: 0 };
    const page: PageMic = { label, mic, onBusy: (owner) => events.busy.push(owner), onClaim: () => events.claims++ };
    handles.push(page);
    const before = detectors.length;
    const remove = mics.addPage(page);
    await Promise.resolve();
    const detector = detectors[before]!;
    return { mic, events, remove, detector, page };
  };
  return {
    machine,
    machineDetector,
    mics,
    frames,
    detections,
    addPage,
    setBusy: (b: boolean) => (busy = b),
    /** Which source each emitted frame came from (frames are filled with the source's number). */
    origins: () => frames.map((f) => f.samples[0]),
  };
}

const increasing = (frames: PcmFrame[]) => frames.every((f, i) => i === 0 || f.timestampMs > frames[i - 1]!.timestampMs);

describe('ConversationMics: several microphones, one conversation', () => {
  it('at rest the controller hears only the machine; a page is heard by its own wake word only', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    t.machine.push(5, () => MACHINE);
    kitchen.mic.push(5, () => KITCHEN);
    expect(t.origins()).toEqual(Array(5).fill(MACHINE));
    expect(t.machineDetector.frames.map((f) => f.samples[0])).toEqual(Array(5).fill(MACHINE));
    expect(kitchen.detector.frames.map((f) => f.samples[0])).toEqual(Array(5).fill(KITCHEN));
  });

  it("a page's wake word takes the conversation: its recent past is replayed, timed after what came before, and the detection is timed in the same stream", async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    t.machine.push(10, () => MACHINE);
    kitchen.mic.push(90, () => KITCHEN); // ~2.9 s; 2 s are kept
    const lastMachineMs = t.frames.at(-1)!.timestampMs;
    kitchen.detector.fire(); // at the end of the kitchen's last frame
    expect(kitchen.events.claims).toBe(1);
    const replayed = t.frames.slice(10);
    expect(replayed.every((f) => f.samples[0] === KITCHEN)).toBe(true);
    expect(replayed.length).toBeGreaterThanOrEqual(62);
    expect(replayed.length).toBeLessThanOrEqual(64);
    expect(replayed[0]!.timestampMs).toBe(lastMachineMs + 32);
    expect(increasing(t.frames)).toBe(true);
    expect(t.detections).toEqual([t.frames.at(-1)!.timestampMs + 32]);
    // From now on the kitchen is heard, the machine not.
    t.setBusy(true);
    t.machine.push(3, () => MACHINE);
    kitchen.mic.push(3, () => KITCHEN);
    expect(t.origins().slice(-3)).toEqual([KITCHEN, KITCHEN, KITCHEN]);
    expect(increasing(t.frames)).toBe(true);
  });

  it('a wake word elsewhere while a page has the conversation gets "busy in <page>", and nothing of it is heard', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    const bedroom = await t.addPage('Bedroom');
    kitchen.mic.push(3, () => KITCHEN);
    kitchen.detector.fire();
    t.setBusy(true);
    const heard = t.frames.length;
    bedroom.mic.push(10, () => BEDROOM);
    bedroom.detector.fire();
    t.machineDetector.fire();
    expect(bedroom.events).toEqual({ busy: ['Kitchen tablet'], claims: 0 });
    expect(t.detections).toHaveLength(1);
    expect(t.frames.length).toBe(heard);
    // The owner's own wake word still counts (it interrupts the reply, as with one microphone).
    kitchen.mic.push(1, () => KITCHEN);
    kitchen.detector.fire();
    expect(t.detections).toHaveLength(2);
  });

  it('a conversation started without a wake word (button, hotkey, text) belongs to the machine', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    t.machine.push(3, () => MACHINE);
    t.setBusy(true);
    kitchen.mic.push(3, () => KITCHEN);
    kitchen.detector.fire();
    expect(kitchen.events.busy).toEqual(['this computer']);
    expect(t.origins().every((o) => o === MACHINE)).toBe(true);
  });

  it('when the conversation rests the machine is heard again and anyone may wake it', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    const bedroom = await t.addPage('Bedroom');
    t.machine.push(3, () => MACHINE);
    kitchen.mic.push(3, () => KITCHEN);
    kitchen.detector.fire();
    t.setBusy(true);
    t.setBusy(false);
    const mark = t.frames.length;
    t.mics.release();
    kitchen.mic.push(3, () => KITCHEN);
    t.machine.push(2, () => MACHINE);
    expect(t.origins().slice(mark)).toEqual([MACHINE, MACHINE, MACHINE, MACHINE, MACHINE]); // 3 replayed + 2 new
    expect(increasing(t.frames)).toBe(true);
    bedroom.mic.push(2, () => BEDROOM);
    bedroom.detector.fire();
    expect(bedroom.events.claims).toBe(1);
  });

  it('an owner that leaves mid-conversation hands nothing to the machine: no one is heard until the conversation rests', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    kitchen.mic.push(2, () => KITCHEN);
    kitchen.detector.fire();
    t.setBusy(true);
    kitchen.remove();
    expect(kitchen.detector.stopped).toBe(true);
    const heard = t.frames.length;
    t.machine.push(5, () => MACHINE);
    expect(t.frames.length).toBe(heard);
    t.setBusy(false);
    t.mics.release();
    t.machine.push(1, () => MACHINE);
    expect(t.origins().at(-1)).toBe(MACHINE);
    expect(t.mics.pageCount).toBe(0);
  });

  it('mute silences every microphone, pages included', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    await t.mics.setMuted(true);
    expect(t.machine.muted).toBe(true);
    expect(kitchen.mic.muted).toBe(true);
    kitchen.mic.muted = false; // a page that keeps sending anyway
    kitchen.mic.push(3, () => KITCHEN);
    kitchen.detector.fire();
    expect(kitchen.detector.frames).toEqual([]);
    expect(t.detections).toEqual([]);
    expect(kitchen.events.claims).toBe(0);
  });

  it('a page that leaves before its wake word has started stops that detector', async () => {
    const machine = new FakeMicSource();
    let resolveDetector: (d: FakeWakeWordDetector) => void = () => {};
    const mics = new ConversationMics({
      machine,
      machineLabel: 'this computer',
      busy: () => false,
      createDetector: () => new Promise((resolve) => (resolveDetector = resolve)),
    });
    const remove = mics.addPage({ label: 'x', mic: new FakeMicSource(), onBusy: () => {}, onClaim: () => {} });
    remove();
    const late = new FakeWakeWordDetector();
    resolveDetector(late);
    await new Promise((r) => setImmediate(r));
    expect(late.stopped).toBe(true);
  });

  it('stopping the detector the controller holds stops every detector (shutdown)', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    await t.mics.wakeWord.stop();
    expect(t.machineDetector.stopped).toBe(true);
    expect(kitchen.detector.stopped).toBe(true);
  });

  it('a press or a typed message on a page claims its microphone at rest, without a wake word; not while another device has the conversation', async () => {
    const t = setup();
    const kitchen = await t.addPage('Kitchen tablet');
    const bedroom = await t.addPage('Bedroom');
    t.machine.push(2, () => MACHINE);
    kitchen.mic.push(4, () => KITCHEN);
    expect(t.mics.claim(kitchen.page)).toBe(true);
    expect(kitchen.events.claims).toBe(1);
    expect(t.detections).toEqual([]); // a press is not a wake word
    t.setBusy(true);
    kitchen.mic.push(1, () => KITCHEN);
    expect(t.origins().slice(2)).toEqual([KITCHEN, KITCHEN, KITCHEN, KITCHEN, KITCHEN]);
    expect(t.mics.claim(bedroom.page)).toBe(false);
    expect(t.mics.claim(kitchen.page)).toBe(true); // the owner again: no change
    expect(t.mics.ownerLabel).toBe('Kitchen tablet');
    // A claim the controller then ignored leaves no stale owner: at rest, the bedroom may claim.
    t.setBusy(false);
    expect(t.mics.claim(bedroom.page)).toBe(true);
    expect(t.mics.ownerLabel).toBe('Bedroom');
  });
});
