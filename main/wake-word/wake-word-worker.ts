/**
 * Worker-thread entry: runs a synchronous wake-word engine (openWakeWord or Porcupine) off the main thread.
 * Started by WorkerWakeWordDetector; must be built as its own entry point (see README.md).
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { samplesToMs } from '../audio/pcm.js';
import { toAssistantError } from '../util/errors.js';
import { createOpenWakeWordEngine } from './open-wake-word-engine.js';
import { createPorcupineEngine } from './porcupine-wake-word-engine.js';
import type { WakeWordEngine } from './wake-word-engine.js';
import {
  toWakeWordEngineSpec,
  type HostToWorkerMessage,
  type WakeWordWorkerData,
  type WakeWordWorkerStats,
  type WorkerToHostMessage,
} from './wake-word-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('wake-word-worker must be started as a worker thread (by WorkerWakeWordDetector)');

const post = (message: WorkerToHostMessage): void => port.postMessage(message);

async function main(data: WakeWordWorkerData): Promise<void> {
  const started = performance.now();
  let engine: WakeWordEngine;
  try {
    // The engine is built here, in the worker thread (Porcupine's init may block on online activation).
    const spec = toWakeWordEngineSpec(data.engine);
    engine = spec.kind === 'porcupine' ? createPorcupineEngine(spec.options) : await createOpenWakeWordEngine(spec.options);
  } catch (error) {
    post({ type: 'init-error', error: toAssistantError(error, 'wake-word').toWire() });
    port!.close();
    return;
  }
  // One macrotask turn before reporting ready: the workaround for the event-loop stall seen right after
  // an openWakeWord init (onnxruntime's first session leaves the loop stalled until a macrotask runs). Harmless here, and it keeps this thread's loop honest.
  await new Promise((resolve) => setTimeout(resolve, 0));

  const stats: WakeWordWorkerStats = { frames: 0, samples: 0, detections: 0, busyMs: 0, maxProcessMs: 0 };
  let closed = false;

  port!.on('message', (message: HostToWorkerMessage) => {
    if (closed) return;
    switch (message.type) {
      case 'frame': {
        const { samples, timestampMs } = message;
        const t0 = performance.now();
        try {
          const detection = engine.process(samples);
          if (detection) {
            stats.detections++;
            post({
              type: 'detection',
              keyword: detection.keyword,
              score: detection.score,
              frameTimestampMs: timestampMs + samplesToMs(samples.length, engine.sampleRate),
            });
          }
        } catch (error) {
          post({ type: 'error', error: toAssistantError(error, 'wake-word').toWire() });
        }
        const elapsed = performance.now() - t0;
        stats.frames++;
        stats.samples += samples.length;
        stats.busyMs += elapsed;
        stats.maxProcessMs = Math.max(stats.maxProcessMs, elapsed);
        break;
      }
      case 'reset':
        engine.reset();
        break;
      case 'stats':
        post({ type: 'stats', id: message.id, stats: { ...stats } });
        break;
      case 'close':
        closed = true;
        engine.dispose();
        port!.close();
        break;
    }
  });

  post({
    type: 'ready',
    name: engine.name,
    keywords: [...engine.keywords],
    frameLength: engine.frameLength,
    sampleRate: engine.sampleRate,
    initMs: performance.now() - started,
  });
}

void main(workerData as WakeWordWorkerData);
