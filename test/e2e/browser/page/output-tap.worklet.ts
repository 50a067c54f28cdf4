/**
 * Test-only pass-through worklet that records, sample-exact, everything the player outputs (the player
 * node is connected to it, it is connected to the destination). `{ type: 'dump' }` answers with
 * `{ startFrame, samples }`: the context frame of the first recorded sample and the recording so far
 * (sample i is frame startFrame + i).
 */
const CAPACITY = 24_000 * 60;

class OutputTap extends AudioWorkletProcessor implements AudioWorkletProcessorImpl {
  readonly #samples = new Float32Array(CAPACITY);
  #length = 0;
  #startFrame = -1;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<{ type?: string }>) => {
      if (event.data?.type === 'dump')
        this.port.postMessage({ startFrame: this.#startFrame, samples: this.#samples.slice(0, this.#length) });
    };
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.#startFrame < 0) this.#startFrame = currentFrame;
    const input = inputs[0]?.[0];
    const output = outputs[0]?.[0];
    if (output === undefined) return true;
    // Indexed by frame, not appended: Chromium may skip this node for a few quanta while the graph is
    // being connected, and the recording must still line up with the player's frames.
    const at = currentFrame - this.#startFrame;
    for (let i = 0; i < output.length; i++) {
      const value = input === undefined ? 0 : input[i]!;
      output[i] = value;
      if (at + i < CAPACITY) this.#samples[at + i] = value;
    }
    this.#length = Math.min(CAPACITY, Math.max(this.#length, at + output.length));
    return true;
  }
}

registerProcessor('hearth-output-tap', OutputTap);
