/**
 * A loggable copy of a protocol event: audio payloads become byte counts and instructions are
 * shortened, so a log never holds raw audio and stays readable.
 */
export function summarizeForLog(input: { type: string }): Record<string, unknown> {
  const event = input as { type: string; [key: string]: unknown };
  const copy: Record<string, unknown> = { ...event };
  if (event.type === 'input_audio_buffer.append' && typeof event.audio === 'string') {
    copy.audio = `<${Math.floor((event.audio.length * 3) / 4)} bytes>`;
  }
  if (event.type === 'response.output_audio.delta' && typeof event.delta === 'string') {
    copy.delta = `<${Math.floor((event.delta.length * 3) / 4)} bytes>`;
  }
  const session = event.session as Record<string, unknown> | undefined;
  if (session && typeof session.instructions === 'string' && session.instructions.length > 200) {
    copy.session = { ...session, instructions: `${session.instructions.slice(0, 200)}… (${session.instructions.length} chars)` };
  }
  return copy;
}
