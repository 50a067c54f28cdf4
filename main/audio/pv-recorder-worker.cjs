'use strict';
/**
 * PvRecorder worker thread for PvRecorderMicSource (main/audio/pv-recorder-mic-source.ts).
 *
 * Plain CommonJS on purpose: it runs unchanged from the sources (vitest, which cannot transpile a
 * worker) and in production, where the build copies it verbatim to out/main/audio/ (it is not
 * bundled; @picovoice/pvrecorder-node is required from node_modules at run time). Keep it small.
 * The message protocol is typed in pv-recorder-mic-source.ts (WorkerData, WorkerMessage); change
 * both together.
 *
 * Why a worker: PvRecorder's read blocks the calling thread until a frame is ready (and ~1.04 s
 * when no audio arrives), so it must not run on the main thread.
 *
 * Modes (workerData.mode):
 *   'list'    posts { type: 'devices', devices } and exits.
 *   'capture' resolves workerData.deviceName to an index (null = default device -1), opens the
 *             recorder, posts { type: 'opened', ... }, then loops readSync() and posts
 *             { type: 'frame', seq, pcm } with pcm's ArrayBuffer transferred. It stops when
 *             Int32 slot 0 of workerData.control (a SharedArrayBuffer) becomes non-zero; the loop
 *             never yields to the event loop, so a message could not reach it. On a failure it
 *             posts { type: 'failed', code, message, permanent } and exits; the main thread
 *             decides whether to retry. The main thread learns that the device is released from
 *             the worker's exit.
 */
const { parentPort, workerData } = require('node:worker_threads');

function post(message, transfer) {
  parentPort.postMessage(message, transfer);
}

function errorMessage(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

let PvRecorder;
try {
  ({ PvRecorder } = require('@picovoice/pvrecorder-node'));
} catch (error) {
  // Unsupported platform/CPU or a missing package: retrying cannot help.
  post({ type: 'failed', code: 'mic_unsupported', permanent: true, message: errorMessage(error) });
  return;
}

if (workerData.mode === 'list') {
  try {
    post({ type: 'devices', devices: PvRecorder.getAvailableDevices() });
  } catch (error) {
    post({ type: 'failed', code: 'mic_list_failed', permanent: false, message: errorMessage(error) });
  }
  return;
}

const control = new Int32Array(workerData.control);
const stopRequested = () => Atomics.load(control, 0) !== 0;
const { deviceName, fallbackToDefault, frameLength, bufferedFramesCount } = workerData;
const firstReadAttempts = workerData.firstReadAttempts;
const maxConsecutiveFailures = workerData.maxConsecutiveFailures;

let recorder = null;
function release() {
  if (!recorder) return;
  try {
    recorder.stop();
  } catch {
    // already stopped or the device is gone; release anyway
  }
  try {
    recorder.release();
  } catch {
    // nothing left to release
  }
  recorder = null;
}

function capture() {
  let devices = [];
  let index = -1;
  let fallback = false;
  if (deviceName != null) {
    try {
      devices = PvRecorder.getAvailableDevices();
    } catch (error) {
      return { code: 'mic_list_failed', message: errorMessage(error) };
    }
    index = devices.indexOf(deviceName);
    if (index < 0) {
      if (!fallbackToDefault) {
        return {
          code: 'mic_device_not_found',
          message: `Microphone "${deviceName}" not found (available: ${devices.map((d) => `"${d}"`).join(', ') || 'none'})`,
        };
      }
      fallback = true;
    }
  }
  if (stopRequested()) return null;

  try {
    recorder = new PvRecorder(frameLength, index, bufferedFramesCount);
    recorder.start();
  } catch (error) {
    return { code: 'mic_open_failed', message: errorMessage(error) };
  }
  let selected = null;
  try {
    selected = recorder.getSelectedDevice();
  } catch {
    // the name is informative only
  }
  if (deviceName != null && !fallback && selected !== null && selected !== deviceName) {
    // The index moved between listing and opening (a device came or went): try again.
    return { code: 'mic_device_changed', message: `Opened "${selected}" instead of "${deviceName}"` };
  }
  post({ type: 'opened', device: selected ?? deviceName ?? 'default', fallback, devices });

  let seq = 0;
  let failures = 0;
  while (!stopRequested()) {
    let pcm;
    try {
      pcm = recorder.readSync();
    } catch (error) {
      failures++;
      // Before the first frame, retry more: the first read can time out on a device that is slow to
      // deliver (e.g. right after the device list was read). Afterwards, ~1 s without data per
      // failure; a few in a row mean the device is gone.
      const limit = seq === 0 ? firstReadAttempts : maxConsecutiveFailures;
      post({ type: 'read-error', consecutive: failures, message: errorMessage(error) });
      if (failures >= limit) return { code: 'mic_read_failed', message: errorMessage(error) };
      continue;
    }
    failures = 0;
    if (stopRequested()) break;
    post({ type: 'frame', seq, pcm: pcm.buffer }, [pcm.buffer]);
    seq++;
  }
  return null;
}

let failure = null;
try {
  failure = capture();
} catch (error) {
  failure = { code: 'mic_worker_failed', message: errorMessage(error) };
}
release();
if (failure && !stopRequested()) post({ type: 'failed', permanent: false, ...failure });
