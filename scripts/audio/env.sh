# Source this (bash/sh) in every shell or process that talks to the test PulseAudio daemon.
# Keeps every PulseAudio file under $AUDIO_HOME (default: <project>/.cache/audio, git-ignored).
# The PulseAudio daemon runs per test process under .cache/audio (see test/helpers/virtual-mic.ts).
if [ -z "${AUDIO_HOME:-}" ]; then
  _hearth_audio_dir=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)
  AUDIO_HOME="$(cd "$_hearth_audio_dir/../.." && pwd)/.cache/audio"
  unset _hearth_audio_dir
fi
export AUDIO_HOME
export HOME="$AUDIO_HOME/home"
export XDG_RUNTIME_DIR="$AUDIO_HOME/xdg"
export XDG_CONFIG_HOME="$AUDIO_HOME/home/.config"
export PULSE_SERVER="unix:$AUDIO_HOME/xdg/pulse/native"
