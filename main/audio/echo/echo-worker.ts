/**
 * Worker-thread entry: runs the echo canceller (EchoProcessor: WebRTC AEC3 in WebAssembly) off the
 * main thread. Started by EchoCanceller; built as its own entry (scripts/build.mjs) into
 * out/main/audio/echo/echo-worker.js.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { MIC_SAMPLE_RATE } from '../mic-source.js';
import { int16ToFloat32 } from '../pcm.js';
import { PLAYER_SAMPLE_RATE } from '../player.js';
import { StreamResampler } from '../resampler.js';
import { toAssistantError } from '../../util/errors.js';
import { loadAec3 } from './aec3.js';
import { EchoProcessor } from './echo-processor.js';
import type { EchoWorkerData, EchoWorkerToHostMessage, HostToEchoWorkerMessage } from './echo-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('echo-worker must be started as a worker thread (by EchoCanceller)');

const post = (message: EchoWorkerToHostMessage, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer);

async function main(data: EchoWorkerData): Promise<void> {
  const started = performance.now();
  let processor: EchoProcessor;
  let resampler: StreamResampler;
  try {
    processor = new EchoProcessor(await loadAec3(), { delayHintMs: data.delayHintMs });
    resampler = await StreamResampler.create(PLAYER_SAMPLE_RATE, MIC_SAMPLE_RATE);
  } catch (error) {
    post({ type: 'init-error', error: toAssistantError(error, 'mic').toWire() });
    port!.close();
    return;
  }
  let renderMs = 0;
  let closed = false;

  port!.on('message', (message: HostToEchoWorkerMessage) => {
    if (closed) return;
    try {
      switch (message.type) {
        case 'render': {
          const t0 = performance.now();
          const { samples, playedAtMs } = message;
          // Chunks that follow each other stay contiguous (EchoProcessor.pushRender snaps them together).
          processor.pushRender(int16ToFloat32(resampler.process(samples)), playedAtMs);
          renderMs += performance.now() - t0;
          break;
        }
        case 'capture': {
          const t0 = performance.now();
          const out = processor.processFrame(message.samples, message.captureStartMs);
          const processMs = performance.now() - t0 + renderMs;
          renderMs = 0;
          const stats = processor.stats();
          post({ type: 'frame', samples: out, timestampMs: message.timestampMs, stats: { ...stats, processMs } }, [
            out.buffer as ArrayBuffer,
          ]);
          break;
        }
        case 'delay-hint':
          processor.setDelayHint(message.delayMs);
          break;
        case 'close':
          closed = true;
          processor.dispose();
          resampler.dispose();
          port!.close();
          break;
      }
    } catch (error) {
      post({ type: 'error', error: toAssistantError(error, 'mic').toWire() });
    }
  });

  post({ type: 'ready', initMs: performance.now() - started, latencySamples: processor.latencySamples });
}

void main(workerData as EchoWorkerData);
