#!/bin/bash
# Stops the PulseAudio daemon started by setup-vmic.sh (same AUDIO_HOME). Safe when it is not running.
. "$(dirname "$0")/env.sh"
pid=$(cat "$XDG_RUNTIME_DIR/pulse/pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
fi
true
