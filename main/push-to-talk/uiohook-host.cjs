'use strict';
/**
 * The keyboard hook's own process, started by UiohookHostConnection (uiohook-host-connection.ts):
 * with child_process.fork in plain Node, with Electron's utilityProcess.fork in the app.
 *
 * Why a process: libuiohook and Xlib end the whole process on X errors (an unreachable display
 * aborts, a lost X server or a protocol error exits). In here that takes down only this process,
 * which the app notices and restarts or replaces; in the main process it took down the app.
 *
 * Plain CommonJS on purpose: it runs unchanged from the sources (vitest) and in production, where the
 * build copies it verbatim to out/main/push-to-talk/ and electron-builder unpacks it from the asar
 * archive. The protocol is typed in hook-host-protocol.ts; change both together. Keep it small.
 *
 * Arguments: --keycodes 57,29,3613 (only these keys are forwarded: the rest of what the user types
 *            never leaves this process), --module <path> (uiohook-napi's entry; default: resolved by
 *            name, tests pass another to simulate a broken install).
 * To the parent: { type: 'ready' } once hook.start() returned;
 *                { type: 'failed', code, message } when loading or starting fails (then exit 3/4);
 *                { type: 'key', event: 'down' | 'up', keycode, ctrlKey, altKey, shiftKey, metaKey, at }
 *                  (`at`: Date.now() when this process saw the key, so IPC delays do not stretch a tap).
 * From the parent: { type: 'stop' } stops the hook and exits 0.
 * It also exits when the parent goes away (IPC disconnect, or a new parent process id), so it never
 * outlives the app. Failures are also written to stderr with the marker below, for the parent's
 * exit-path diagnosis when a message cannot be delivered.
 */

const MARKER = 'HEARTH_UIOHOOK_HOST';
const EXIT_START_FAILED = 3;
const EXIT_LOAD_FAILED = 4;

// Electron's utility process talks through process.parentPort; a forked Node child through process.send.
const port = process.parentPort;
function send(message, then) {
  if (port) {
    port.postMessage(message);
    if (then) setImmediate(then);
  } else if (process.send && process.connected) {
    process.send(message, then);
  } else if (then) {
    then();
  }
}
function onParentMessage(listener) {
  if (port) port.on('message', (event) => listener(event.data));
  else process.on('message', listener);
}

function argument(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

let hook = null;
let exiting = false;
function exit(code) {
  if (exiting) return;
  exiting = true;
  if (hook && code === 0) {
    try {
      hook.stop();
    } catch {
      // Exiting anyway.
    }
  }
  process.exit(code);
}

function fail(exitCode, code, error) {
  const message = describe(error);
  process.stderr.write(`${MARKER} ${code} ${message}\n`);
  send({ type: 'failed', code, message }, () => exit(exitCode));
}

const keycodes = new Set(
  (argument('--keycodes') ?? '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number),
);

onParentMessage((message) => {
  if (message && message.type === 'stop') exit(0);
});
if (!port) process.on('disconnect', () => exit(0));
const parentPid = process.ppid;
// A utility process has no disconnect event; a dead parent shows as a new parent id (reparenting).
setInterval(() => {
  if (process.ppid !== parentPid) exit(0);
}, 1000);

try {
  hook = require(argument('--module') ?? 'uiohook-napi').uIOhook;
} catch (error) {
  fail(EXIT_LOAD_FAILED, 'LOAD', error);
}

if (hook) {
  const forward = (event) => (e) => {
    if (keycodes.size > 0 && !keycodes.has(e.keycode)) return;
    send({
      type: 'key',
      event,
      keycode: e.keycode,
      ctrlKey: e.ctrlKey,
      altKey: e.altKey,
      shiftKey: e.shiftKey,
      metaKey: e.metaKey,
      at: Date.now(),
    });
  };
  hook.on('keydown', forward('down'));
  hook.on('keyup', forward('up'));
  try {
    hook.start();
    send({ type: 'ready' });
  } catch (error) {
    fail(EXIT_START_FAILED, (error && error.code) || 'START', error);
  }
}
