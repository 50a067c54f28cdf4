'use strict';
// A stand-in for uiohook-napi, loaded by the real host script (uiohook-host.cjs --module <this file>) so
// the host's protocol is tested in plain Node without an X server. FAKE_UIOHOOK decides what it does:
//   ok           start() succeeds; then it types Ctrl+A, Ctrl+Space (down, up) once
//   start-error  start() throws like libuiohook without RECORD (error.code UIOHOOK_ERROR_X_RECORD_NOT_FOUND)
//   load-error   loading the module fails
const { EventEmitter } = require('node:events');

if (process.env.FAKE_UIOHOOK === 'load-error') throw new Error('libXtst.so.6: cannot open shared object file');

const CTRL = 0x1d;
const A = 0x1e;
const SPACE = 0x39;

class FakeHook extends EventEmitter {
  start() {
    if (process.env.FAKE_UIOHOOK === 'start-error') {
      throw Object.assign(new Error('Unable to locate XRecord extension.'), { code: 'UIOHOOK_ERROR_X_RECORD_NOT_FOUND' });
    }
    // Keeps the process alive like the native hook's thread does.
    this.timer = setInterval(() => undefined, 1 << 30);
    setTimeout(() => {
      const key = (type, keycode, ctrlKey) => this.emit(type, { keycode, ctrlKey, altKey: false, shiftKey: false, metaKey: false });
      key('keydown', CTRL, true);
      key('keydown', A, true);
      key('keyup', A, true);
      key('keydown', SPACE, true);
      key('keyup', SPACE, true);
      key('keyup', CTRL, false);
    }, 50);
  }
  stop() {
    clearInterval(this.timer);
    process.stdout.write('fake hook stopped\n');
  }
}

exports.uIOhook = new FakeHook();
