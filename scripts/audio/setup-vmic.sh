#!/bin/bash
# Virtual microphone for PvRecorder/Chromium tests: a user-mode PulseAudio daemon (fine as root; no
# systemd, D-Bus or sound card needed) with a null sink "VirtualSpeaker" (vspk, 16 kHz mono) and a
# remap source "VirtualMic" (vmic, the default source) on its monitor. Whatever is played into vspk
# is captured from vmic bit-exactly. Idempotent: does nothing when the daemon is already up.
#
# Keep-alive: an idle null sink renders in 2 s blocks (its monitor reports "configured 2000000
# usec"), so a recorder connecting to vmic gets its first data only after up to 2 s, and its first
# read fails (PvRecorder times out after ~1.04 s). A loopback from vspk.monitor into a second, unused
# null sink (vdump) keeps a 20 ms latency request on the monitor; the suspend/resume at the end
# restarts the 2 s block that began before the loopback connected. The first frame then arrives in
# ~35-70 ms every time. The loopback only reads the monitor: what vmic captures is unchanged.
#
# Needs: apt-get install -y --no-install-recommends pulseaudio pulseaudio-utils
#
# Usage: scripts/audio/setup-vmic.sh, then `. scripts/audio/env.sh` in every shell or process that
# uses it (AUDIO_HOME defaults to <project>/.cache/audio). Stop with scripts/audio/teardown-vmic.sh.
set -euo pipefail
. "$(dirname "$0")/env.sh"

for tool in pulseaudio pactl paplay; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "setup-vmic: '$tool' not found. Install the Debian packages:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends pulseaudio pulseaudio-utils" >&2
    exit 127
  fi
done

mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

if timeout 2 pactl info >/dev/null 2>&1; then
  exit 0 # already running
fi

timeout 10 pulseaudio --daemonize=yes -n --exit-idle-time=-1 --disallow-exit --use-pid-file=yes \
  --log-target="file:$XDG_RUNTIME_DIR/pulse.log" \
  --load="module-native-protocol-unix auth-anonymous=1" \
  --load="module-null-sink sink_name=vspk rate=16000 channels=1 sink_properties=device.description=VirtualSpeaker" \
  --load="module-remap-source source_name=vmic master=vspk.monitor source_properties=device.description=VirtualMic" \
  --load="module-null-sink sink_name=vdump rate=16000 channels=1 sink_properties=device.description=VirtualDump" \
  --load="module-loopback source=vspk.monitor sink=vdump latency_msec=20 source_dont_move=true sink_dont_move=true"

ready=0
for _ in $(seq 1 50); do
  if timeout 2 pactl info >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "setup-vmic: PulseAudio did not answer on $PULSE_SERVER; see $XDG_RUNTIME_DIR/pulse.log" >&2
  exit 1
fi

pactl set-default-sink vspk
pactl set-default-source vmic
pactl suspend-sink vspk 1
pactl suspend-sink vspk 0
