import type { OpenAISettings } from '../../preload/contract/settings-schema.js';
import { supportsReasoning } from '../../preload/contract/model-catalog.js';
import type { FunctionTool, SessionConfig, TurnDetection } from './protocol-types.js';

export type SessionConfigInput = {
  openai: OpenAISettings;
  tools: readonly FunctionTool[];
  /** Appended to the user's instructions (e.g. a summary of the home). */
  extraInstructions?: string;
  /** Push-to-talk hold turns commit manually, so the server must not detect turns itself. */
  manualTurns?: boolean;
};

/** Only reasoning models (the catalog's, or the gpt-realtime-2 family) accept `reasoning`; sending it elsewhere rejects the whole update. */
export { supportsReasoning };

export function buildTurnDetection(openai: OpenAISettings): TurnDetection {
  const td = openai.turnDetection;
  if (td.type === 'semantic_vad') {
    return { type: 'semantic_vad', eagerness: td.eagerness, create_response: true, interrupt_response: true };
  }
  return {
    type: 'server_vad',
    threshold: td.threshold,
    prefix_padding_ms: td.prefixPaddingMs,
    silence_duration_ms: td.silenceDurationMs,
    create_response: true,
    interrupt_response: true,
  };
}

/**
 * The GA `session` object for `session.update`, complete every time: nested merge rules are
 * undocumented, so audio blocks are always sent whole.
 */
export function buildSessionConfig(input: SessionConfigInput): SessionConfig {
  const { openai } = input;
  const instructions = [openai.instructions.trim(), input.extraInstructions?.trim()].filter(Boolean).join('\n\n');
  const transcription = openai.transcription.enabled
    ? {
        model: openai.transcription.model,
        ...(openai.transcription.language ? { language: openai.transcription.language } : {}),
        ...(openai.transcription.prompt ? { prompt: openai.transcription.prompt } : {}),
      }
    : null;
  const session: SessionConfig = {
    type: 'realtime',
    model: openai.model,
    output_modalities: [openai.outputModality],
    instructions,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        noise_reduction: openai.noiseReduction === 'off' ? null : { type: openai.noiseReduction },
        transcription,
        turn_detection: input.manualTurns ? null : buildTurnDetection(openai),
      },
      output: {
        format: { type: 'audio/pcm', rate: 24000 },
        voice: openai.voice,
        speed: openai.speed,
      },
    },
    tools: [...input.tools],
    tool_choice: 'auto',
    max_output_tokens: openai.maxOutputTokens,
  };
  if (supportsReasoning(openai.model)) session.reasoning = { effort: openai.reasoningEffort };
  return session;
}
