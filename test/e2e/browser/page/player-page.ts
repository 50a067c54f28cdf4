/**
 * The playback test page (bundled by test/helpers/chromium.ts): a WorkletPlayer connected to the Node
 * test's RendererPlayer over a WebSocket, either relayed through `node.port` (web mode) or through a
 * MessageChannel port attached to the worklet (the Electron path). Exposes `globalThis.hearthPlayerPage`.
 */
import { messagePortEndpoint, relayWebSocket, WorkletPlayer } from '../../../../renderer/audio/worklet-player.js';

type StartOptions = { mode: 'relay' | 'port'; prebufferMs?: number; ringSeconds?: number; tap: boolean; socketUrl: string };

document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});

let player: WorkletPlayer | undefined;
let tap: AudioWorkletNode | undefined;

async function start(options: StartOptions) {
  player = await WorkletPlayer.create({
    moduleUrl: '/pcm-player.worklet.js',
    prebufferMs: options.prebufferMs,
    ringSeconds: options.ringSeconds,
  });
  const context = player.context;
  if (options.tap) {
    await context.audioWorklet.addModule('/output-tap.worklet.js');
    tap = new AudioWorkletNode(context, 'hearth-output-tap', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    player.node.disconnect();
    player.node.connect(tap);
    tap.connect(context.destination);
  }
  await player.waitForClock();
  const socket = new WebSocket(options.socketUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('the player socket did not open')), { once: true });
  });
  if (options.mode === 'port') {
    const channel = new MessageChannel();
    player.attachPort(channel.port2);
    relayWebSocket(socket, messagePortEndpoint(channel.port1));
  } else {
    relayWebSocket(socket, player);
  }
  return { sampleRate: context.sampleRate, baseLatency: context.baseLatency, state: context.state };
}

async function dumpTap(): Promise<{ startFrame: number; base64: string }> {
  if (!tap) throw new Error('started without tap');
  const node = tap;
  const dump = await new Promise<{ startFrame: number; samples: Float32Array }>((resolve) => {
    node.port.onmessage = (event: MessageEvent<{ startFrame: number; samples: Float32Array }>) => resolve(event.data);
    node.port.postMessage({ type: 'dump' });
  });
  const pcm = new Int16Array(dump.samples.length);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(dump.samples[i]! * 32_768);
  const bytes = new Uint8Array(pcm.buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { startFrame: dump.startFrame, base64: btoa(binary) };
}

(globalThis as { hearthPlayerPage?: unknown }).hearthPlayerPage = {
  start,
  tap: dumpTap,
  outputLatencyMs: () => player?.outputLatencyMs() ?? null,
};
