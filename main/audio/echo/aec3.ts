import type WebRtcAec3 from '@ennuicastr/webrtcaec3.js';

export type Aec3Instance = WebRtcAec3.AEC3;
export type Aec3Module = WebRtcAec3.WebRtcAec3;

let loaded: Promise<Aec3Module> | undefined;

/**
 * Loads WebRTC's AEC3 compiled to WebAssembly (@ennuicastr/webrtcaec3.js). The package is an
 * Emscripten module that reads its .wasm file next to its own .js by path, so it is never bundled:
 * the build keeps it external and the packaged app unpacks it (electron-builder.yml asarUnpack),
 * because the echo worker runs from app.asar.unpacked. One module per thread; instances share it.
 */
export function loadAec3(): Promise<Aec3Module> {
  if (!loaded) {
    loaded = import('@ennuicastr/webrtcaec3.js').then((module) => (module.default as typeof WebRtcAec3)());
    loaded.catch(() => (loaded = undefined));
  }
  return loaded;
}

/** AEC3 works on 10 ms blocks; at the microphone's 16 kHz that is 160 samples. */
export const AEC3_BLOCK_SAMPLES = 160;
