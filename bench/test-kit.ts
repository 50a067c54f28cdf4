/**
 * What the benchmarks borrow from test/: the fake Realtime server and its stand-in model, a real Home
 * Assistant core, speech, the PulseAudio virtual microphone, the file-based echo test room, Chromium,
 * raw HTTP clients, the app without devices, a manual clock and wait helpers. Bench files import test code only through this file (lint enforces it), so the bench's
 * dependency on the test kit is this one list of modules.
 */
export * from '../test/servers/fake-realtime-server.js';
export * from '../test/servers/fake-realtime/stand-in-model.js';
export * from '../test/servers/home-assistant-core.js';
export * from '../test/helpers/speech.js';
export * from '../test/helpers/virtual-mic.js';
export * from '../test/helpers/chromium.js';
export * from '../test/helpers/raw-client.js';
export * from '../test/helpers/quiet-app.js';
export * from '../test/helpers/wait.js';
export * from '../test/helpers/percentile.js';
export * from '../test/helpers/test-room.js';
export * from '../test/fakes/manual-clock.js';
