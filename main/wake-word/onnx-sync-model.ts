import { readFile } from 'node:fs/promises';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError, WakeWordError, errorMessage } from '../util/errors.js';
import type * as BindingModuleValue from 'onnxruntime-node/dist/binding.js';

/**
 * onnxruntime-node, synchronous: its public `InferenceSession.run` is async, but only because its JS
 * wrapper defers the call with `setImmediate`; the native `binding.InferenceSession.run` underneath is
 * synchronous (same code, same results; a unit test checks parity). `SyncModel` runs that binding
 * (`onnxruntime-node/dist/binding.js`, not a documented entry point), so the openWakeWord engine's
 * `process()` satisfies the synchronous `WakeWordEngine` seam without queues or Atomics.
 */

type BindingModule = typeof BindingModuleValue;
type NativeSession = InstanceType<BindingModule['binding']['InferenceSession']>;
type TensorConstructor = typeof Tensor;
export type OrtRuntime = { binding: BindingModule['binding']; Tensor: TensorConstructor };

const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

let runtime: Promise<OrtRuntime> | undefined;

/** Loads (once) the native binding; a WakeWordError (configuration, permanent) if it cannot be loaded. */
export function loadRuntime(): Promise<OrtRuntime> {
  runtime ??= (async () => {
    try {
      const [bindingModule, ort] = await Promise.all([import('onnxruntime-node/dist/binding.js'), import('onnxruntime-node')]);
      const { binding, initOrt } = bindingModule;
      if (
        typeof initOrt !== 'function' ||
        typeof binding?.InferenceSession !== 'function' ||
        typeof binding.InferenceSession.prototype.run !== 'function' ||
        typeof ort.Tensor !== 'function'
      ) {
        throw new Error('dist/binding.js no longer exports { binding.InferenceSession, initOrt }');
      }
      initOrt();
      return { binding, Tensor: ort.Tensor };
    } catch (cause) {
      runtime = undefined;
      throw new WakeWordError(
        `openWakeWord needs onnxruntime-node's synchronous native binding (onnxruntime-node/dist/binding.js), ` +
          `which could not be loaded: ${errorMessage(cause)}`,
        { category: 'configuration', permanent: true, cause },
      );
    }
  })();
  return runtime;
}

type Dims = readonly (number | string)[];

/** One ONNX model with exactly one input and one output, run synchronously. */
export class SyncModel {
  readonly inputName: string;
  readonly outputName: string;
  readonly inputDims: Dims;
  readonly outputDims: Dims;
  #session: NativeSession | undefined;

  constructor(
    readonly file: string,
    private readonly ort: OrtRuntime,
    session: NativeSession,
  ) {
    this.#session = session;
    const input = session.inputMetadata[0];
    const output = session.outputMetadata[0];
    if (session.inputMetadata.length !== 1 || session.outputMetadata.length !== 1 || !input || !output) {
      throw new ConfigError(
        `${file} is not an openWakeWord model: it has ${session.inputMetadata.length} inputs and ` +
          `${session.outputMetadata.length} outputs (expected 1 and 1)`,
      );
    }
    this.inputName = input.name;
    this.outputName = output.name;
    this.inputDims = input.shape.map((d, i) => (d >= 0 ? d : (input.symbolicDimensions[i] ?? '?')));
    this.outputDims = output.shape.map((d, i) => (d >= 0 ? d : (output.symbolicDimensions[i] ?? '?')));
  }

  run(data: Float32Array, dims: readonly number[]): { data: Float32Array; dims: readonly number[] } {
    const session = this.#session;
    if (!session) throw new WakeWordError(`${this.file}: session already disposed`, { category: 'application' });
    const feeds = { [this.inputName]: new this.ort.Tensor('float32', data, dims) };
    const result = session.run(feeds, { [this.outputName]: null }, {});
    const tensor = result[this.outputName] as Tensor | undefined;
    if (!tensor || !(tensor.data instanceof Float32Array)) {
      throw new WakeWordError(`${this.file}: no float32 output '${this.outputName}'`, { category: 'application' });
    }
    return { data: tensor.data, dims: tensor.dims };
  }

  dispose(): void {
    const session = this.#session;
    this.#session = undefined;
    session?.dispose();
  }
}

/** Reads and loads one model file; a ConfigError that names the file (and its `role`) if it cannot. */
export async function loadModel(ort: OrtRuntime, file: string, role: string): Promise<SyncModel> {
  let bytes: Buffer;
  try {
    // Read in JS rather than handing ORT the path: clearer errors, and it works from inside an asar.
    bytes = await readFile(file);
  } catch (cause) {
    throw new ConfigError(`Cannot read the openWakeWord ${role} model file ${file}: ${errorMessage(cause)}`, { cause });
  }
  const session = new ort.binding.InferenceSession();
  try {
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, SESSION_OPTIONS);
  } catch (cause) {
    throw new ConfigError(`The openWakeWord ${role} model file ${file} is not a loadable ONNX model: ${errorMessage(cause)}`, { cause });
  }
  try {
    return new SyncModel(file, ort, session);
  } catch (error) {
    session.dispose();
    throw error;
  }
}

/** A failure while running a model, as a WakeWordError (application, not permanent) whose message says where. */
export function asWakeWordError(cause: unknown, message: string): WakeWordError {
  if (cause instanceof WakeWordError) return cause;
  return new WakeWordError(`${message}: ${errorMessage(cause)}`, { category: 'application', permanent: false, cause });
}
