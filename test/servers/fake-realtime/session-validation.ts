/**
 * GA session object: defaults, strict validation of `session.update` and of
 * `response.create` overrides. Validation throws a {@link ProtocolError} on the first bad field;
 * the caller then applies nothing (a rejected update is rejected whole).
 */
import {
  expectArray,
  expectBoolean,
  expectEnum,
  expectInteger,
  expectNumber,
  expectObject,
  expectString,
  fail,
  isObject,
  rejectUnknownKeys,
  requireKey,
} from './errors.js';
import type {
  FakeSession,
  FunctionToolConfig,
  JsonObject,
  PcmFormat,
  ServerVadConfig,
  TranscriptionConfig,
  TurnDetectionConfig,
} from './types.js';

export const BUILTIN_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;

export const TRANSCRIPTION_MODELS = [
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
  'gpt-4o-mini-transcribe-2025-12-15',
  'gpt-4o-transcribe-diarize',
  'gpt-transcribe',
  'gpt-live-transcribe',
  'gpt-realtime-whisper',
] as const;

const SESSION_KEYS = [
  'type',
  'model',
  'output_modalities',
  'instructions',
  'audio',
  'include',
  'tools',
  'tool_choice',
  'max_output_tokens',
  'parallel_tool_calls',
  'reasoning',
  'truncation',
  'tracing',
  'prompt',
] as const;

const RESPONSE_KEYS = [
  'audio',
  'conversation',
  'input',
  'instructions',
  'max_output_tokens',
  'metadata',
  'output_modalities',
  'parallel_tool_calls',
  'prompt',
  'reasoning',
  'tool_choice',
  'tools',
] as const;

export const DEFAULT_INSTRUCTIONS =
  "You are a helpful, witty, and friendly AI. Act like a human, but remember that you aren't a human. " +
  'Your voice and personality should be warm and engaging. Talk quickly.';

/** `gpt-realtime-2`, `gpt-realtime-2.1`, `gpt-realtime-2.1-mini`, ... but not `gpt-realtime-2025-08-28`. */
export function isReasoningModel(model: string): boolean {
  return /^gpt-realtime-2(?:$|[.-])/.test(model);
}

/** Models accepted in `?model=`: the GA realtime and audio families (the preview models are shut down). */
export function isSupportedRealtimeModel(model: string): boolean {
  return /^gpt-(?:realtime|audio)(?:$|-)/.test(model);
}

/**
 * The speech-to-speech models the service serves (openai-node 7.55.0's model list),
 * with their dated snapshots. A name of the family that is not here (a typo, an invented version)
 * gets `model_not_found`, as the service answers a model it does not have or the key cannot use.
 */
export const SERVED_REALTIME_MODELS = [
  'gpt-realtime-2.1',
  'gpt-realtime-2.1-mini',
  'gpt-realtime-2',
  'gpt-realtime-1.5',
  'gpt-realtime',
  'gpt-realtime-2025-08-28',
  'gpt-realtime-mini',
  'gpt-realtime-mini-2025-10-06',
  'gpt-realtime-mini-2025-12-15',
  'gpt-audio-1.5',
  'gpt-audio-mini',
  'gpt-audio-mini-2025-10-06',
  'gpt-audio-mini-2025-12-15',
] as const;

export function isServedRealtimeModel(model: string, retired: readonly string[] = []): boolean {
  return (SERVED_REALTIME_MODELS as readonly string[]).includes(model) && !retired.includes(model);
}

export function defaultServerVad(): ServerVadConfig {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 500,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
  };
}

export function defaultSession(id: string, model: string, expiresAt: number): FakeSession {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: expiresAt,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: defaultServerVad(),
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
    },
    include: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Field validators (shared by session.update and response.create)
// ---------------------------------------------------------------------------------------------

function parseFormat(value: unknown, path: string): PcmFormat {
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['type', 'rate'], path);
  const type = expectEnum(requireKey(obj, 'type', path), `${path}.type`, ['audio/pcm', 'audio/pcmu', 'audio/pcma']);
  if (type !== 'audio/pcm') {
    fail('invalid_value', `Invalid value: '${type}'. This fake Realtime server supports only 'audio/pcm' at 24000 Hz.`, `${path}.type`);
  }
  if (obj.rate !== undefined) expectInteger(obj.rate, `${path}.rate`, 24000, 24000);
  return { type: 'audio/pcm', rate: 24000 };
}

function parseVoice(value: unknown, path: string): string | { id: string } {
  if (isObject(value)) {
    rejectUnknownKeys(value, ['id'], path);
    return { id: expectString(requireKey(value, 'id', path), `${path}.id`) };
  }
  const voice = expectString(value, path);
  // Built-in names, plus `voice_…` strings (custom voice ids; the SDK type allows a bare string).
  if (!voice.startsWith('voice_')) expectEnum(voice, path, BUILTIN_VOICES);
  return voice;
}

function parseOutputModalities(value: unknown, path: string): ['audio'] | ['text'] {
  const arr = expectArray(value, path);
  arr.forEach((m, i) => expectEnum(m, `${path}[${i}]`, ['audio', 'text']));
  if (arr.length !== 1) {
    fail('invalid_value', `Invalid '${path}': expected exactly one of ['audio'] or ['text'], but got ${JSON.stringify(arr)}.`, path);
  }
  return arr[0] === 'audio' ? ['audio'] : ['text'];
}

function parseMaxOutputTokens(value: unknown, path: string): number | 'inf' {
  if (value === 'inf') return 'inf';
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 4096) {
    fail('invalid_value', `Invalid '${path}': expected an integer between 1 and 4096 or 'inf', but got ${JSON.stringify(value)}.`, path);
  }
  return value;
}

function parseTools(value: unknown, path: string): FunctionToolConfig[] {
  return expectArray(value, path).map((raw, i) => {
    const p = `${path}[${i}]`;
    const tool = expectObject(raw, p);
    const type = expectEnum(requireKey(tool, 'type', p), `${p}.type`, ['function', 'mcp']);
    if (type === 'mcp') fail('invalid_value', `Invalid value: 'mcp'. This fake Realtime server supports only function tools.`, `${p}.type`);
    // The Chat Completions shape {type:'function', function:{...}} fails here: 'function' is unknown.
    rejectUnknownKeys(tool, ['type', 'name', 'description', 'parameters'], p);
    const name = expectString(requireKey(tool, 'name', p), `${p}.name`);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name)) {
      fail(
        'invalid_value',
        `Invalid '${p}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        `${p}.name`,
      );
    }
    const out: FunctionToolConfig = { type: 'function', name };
    if (tool.description !== undefined) out.description = expectString(tool.description, `${p}.description`);
    if (tool.parameters !== undefined) out.parameters = expectObject(tool.parameters, `${p}.parameters`);
    return out;
  });
}

function parseToolChoice(value: unknown, path: string): unknown {
  if (typeof value === 'string') return expectEnum(value, path, ['auto', 'none', 'required']);
  const obj = expectObject(value, path);
  const type = expectEnum(requireKey(obj, 'type', path), `${path}.type`, ['function', 'mcp']);
  if (type === 'function') {
    rejectUnknownKeys(obj, ['type', 'name'], path);
    return { type, name: expectString(requireKey(obj, 'name', path), `${path}.name`) };
  }
  rejectUnknownKeys(obj, ['type', 'server_label', 'name'], path);
  expectString(requireKey(obj, 'server_label', path), `${path}.server_label`);
  if (obj.name !== undefined && obj.name !== null) expectString(obj.name, `${path}.name`);
  return structuredClone(obj);
}

function parseReasoning(value: unknown, path: string, model: string): { effort: string } {
  if (!isReasoningModel(model)) {
    fail('unsupported_parameter', `Unsupported parameter: '${path}' is not supported with this model.`, path);
  }
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['effort'], path);
  const effort = obj.effort === undefined ? 'low' : expectEnum(obj.effort, `${path}.effort`, ['minimal', 'low', 'medium', 'high', 'xhigh']);
  return { effort };
}

function parseParallelToolCalls(value: unknown, path: string, model: string): boolean {
  if (!isReasoningModel(model)) {
    fail('unsupported_parameter', `Unsupported parameter: '${path}' is not supported with this model.`, path);
  }
  return expectBoolean(value, path);
}

function parsePrompt(value: unknown, path: string): unknown {
  if (value === null) return null;
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['id', 'version', 'variables'], path);
  expectString(requireKey(obj, 'id', path), `${path}.id`);
  if (obj.version !== undefined && obj.version !== null) expectString(obj.version, `${path}.version`);
  if (obj.variables !== undefined && obj.variables !== null) expectObject(obj.variables, `${path}.variables`);
  return structuredClone(obj);
}

function parseTurnDetection(value: unknown, path: string): TurnDetectionConfig | null {
  if (value === null) return null;
  const obj = expectObject(value, path);
  const type = expectEnum(requireKey(obj, 'type', path), `${path}.type`, ['server_vad', 'semantic_vad']);
  if (type === 'server_vad') {
    rejectUnknownKeys(
      obj,
      ['type', 'threshold', 'prefix_padding_ms', 'silence_duration_ms', 'idle_timeout_ms', 'create_response', 'interrupt_response'],
      path,
    );
    const td = defaultServerVad();
    if (obj.threshold !== undefined) td.threshold = expectNumber(obj.threshold, `${path}.threshold`, 0, 1);
    if (obj.prefix_padding_ms !== undefined) td.prefix_padding_ms = expectInteger(obj.prefix_padding_ms, `${path}.prefix_padding_ms`, 0);
    if (obj.silence_duration_ms !== undefined)
      td.silence_duration_ms = expectInteger(obj.silence_duration_ms, `${path}.silence_duration_ms`, 0);
    if (obj.idle_timeout_ms !== undefined && obj.idle_timeout_ms !== null) {
      td.idle_timeout_ms = expectInteger(obj.idle_timeout_ms, `${path}.idle_timeout_ms`, 0);
    }
    if (obj.create_response !== undefined) td.create_response = expectBoolean(obj.create_response, `${path}.create_response`);
    if (obj.interrupt_response !== undefined) td.interrupt_response = expectBoolean(obj.interrupt_response, `${path}.interrupt_response`);
    return td;
  }
  rejectUnknownKeys(obj, ['type', 'eagerness', 'create_response', 'interrupt_response'], path);
  return {
    type: 'semantic_vad',
    eagerness: obj.eagerness === undefined ? 'auto' : expectEnum(obj.eagerness, `${path}.eagerness`, ['low', 'medium', 'high', 'auto']),
    create_response: obj.create_response === undefined ? true : expectBoolean(obj.create_response, `${path}.create_response`),
    interrupt_response: obj.interrupt_response === undefined ? true : expectBoolean(obj.interrupt_response, `${path}.interrupt_response`),
  };
}

function parseTranscription(value: unknown, path: string): TranscriptionConfig | null {
  if (value === null) return null;
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['model', 'language', 'prompt', 'languages', 'keywords', 'delay'], path);
  const model = expectEnum(requireKey(obj, 'model', path), `${path}.model`, TRANSCRIPTION_MODELS);
  const out: TranscriptionConfig = { model, language: null, prompt: null };
  if (obj.language !== undefined && obj.language !== null) out.language = expectString(obj.language, `${path}.language`);
  if (obj.prompt !== undefined && obj.prompt !== null) {
    if (model === 'gpt-realtime-whisper') {
      fail('unsupported_parameter', `Unsupported parameter: '${path}.prompt' is not supported with this model.`, `${path}.prompt`);
    }
    out.prompt = expectString(obj.prompt, `${path}.prompt`);
  }
  if (obj.languages !== undefined)
    out.languages = expectArray(obj.languages, `${path}.languages`).map((l, i) => expectString(l, `${path}.languages[${i}]`));
  if (obj.keywords !== undefined)
    out.keywords = expectArray(obj.keywords, `${path}.keywords`).map((k, i) => expectString(k, `${path}.keywords[${i}]`));
  if (obj.delay !== undefined) out.delay = expectEnum(obj.delay, `${path}.delay`, ['minimal', 'low', 'medium', 'high', 'xhigh']);
  return out;
}

function parseNoiseReduction(value: unknown, path: string): FakeSession['audio']['input']['noise_reduction'] {
  if (value === null) return null;
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['type', 'strength'], path);
  const out: { type: 'near_field' | 'far_field'; strength?: number } = {
    type: expectEnum(requireKey(obj, 'type', path), `${path}.type`, ['near_field', 'far_field']),
  };
  if (obj.strength !== undefined) out.strength = expectNumber(obj.strength, `${path}.strength`, 0, 1);
  return out;
}

function parseTruncation(value: unknown, path: string): unknown {
  if (typeof value === 'string') return expectEnum(value, path, ['auto', 'disabled']);
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['type', 'retention_ratio', 'token_limits'], path);
  expectEnum(requireKey(obj, 'type', path), `${path}.type`, ['retention_ratio']);
  expectNumber(requireKey(obj, 'retention_ratio', path), `${path}.retention_ratio`, 0, 1);
  if (obj.token_limits !== undefined) {
    const limits = expectObject(obj.token_limits, `${path}.token_limits`);
    rejectUnknownKeys(limits, ['post_instructions'], `${path}.token_limits`);
    if (limits.post_instructions !== undefined) expectInteger(limits.post_instructions, `${path}.token_limits.post_instructions`, 0);
  }
  return structuredClone(obj);
}

function parseTracing(value: unknown, path: string): unknown {
  if (value === null) return null;
  if (typeof value === 'string') return expectEnum(value, path, ['auto']);
  const obj = expectObject(value, path);
  rejectUnknownKeys(obj, ['workflow_name', 'group_id', 'metadata'], path);
  if (obj.workflow_name !== undefined) expectString(obj.workflow_name, `${path}.workflow_name`);
  if (obj.group_id !== undefined) expectString(obj.group_id, `${path}.group_id`);
  return structuredClone(obj);
}

function parseInclude(value: unknown, path: string): string[] | null {
  if (value === null) return null;
  return expectArray(value, path).map((v, i) => expectEnum(v, `${path}[${i}]`, ['item.input_audio_transcription.logprobs']));
}

function voiceKey(voice: string | { id: string }): string {
  return typeof voice === 'string' ? voice : `id:${voice.id}`;
}

// ---------------------------------------------------------------------------------------------
// session.update
// ---------------------------------------------------------------------------------------------

export type SessionUpdateContext = {
  /** Assistant audio was already sent on this connection (voice changes are then refused). */
  assistantAudioPresent: boolean;
};

/** Validates a `session.update` event's `session` and returns the new effective session. */
export function applySessionUpdate(current: FakeSession, event: JsonObject, ctx: SessionUpdateContext): FakeSession {
  const raw = requireKey(event, 'session', '');
  const patch = expectObject(raw, 'session');
  const type = requireKey(patch, 'type', 'session');
  if (type === 'transcription') {
    fail('invalid_value', 'Passing a transcription session update event to a realtime session is not allowed.', 'session.type');
  }
  expectEnum(type, 'session.type', ['realtime', 'transcription']);
  rejectUnknownKeys(patch, SESSION_KEYS, 'session');

  const next = structuredClone(current);
  if (patch.model !== undefined) {
    const model = expectString(patch.model, 'session.model');
    if (model !== current.model) {
      fail(
        'invalid_value',
        `Invalid value: '${model}'. The model of a session cannot be changed (this session uses '${current.model}').`,
        'session.model',
      );
    }
  }
  if (patch.output_modalities !== undefined)
    next.output_modalities = parseOutputModalities(patch.output_modalities, 'session.output_modalities');
  if (patch.instructions !== undefined) next.instructions = expectString(patch.instructions, 'session.instructions');
  if (patch.audio !== undefined) {
    const audio = expectObject(patch.audio, 'session.audio');
    rejectUnknownKeys(audio, ['input', 'output'], 'session.audio');
    if (audio.input !== undefined) {
      const p = 'session.audio.input';
      const input = expectObject(audio.input, p);
      rejectUnknownKeys(input, ['format', 'noise_reduction', 'transcription', 'turn_detection'], p);
      if (input.format !== undefined) next.audio.input.format = parseFormat(input.format, `${p}.format`);
      if (input.noise_reduction !== undefined)
        next.audio.input.noise_reduction = parseNoiseReduction(input.noise_reduction, `${p}.noise_reduction`);
      if (input.transcription !== undefined) next.audio.input.transcription = parseTranscription(input.transcription, `${p}.transcription`);
      if (input.turn_detection !== undefined)
        next.audio.input.turn_detection = parseTurnDetection(input.turn_detection, `${p}.turn_detection`);
    }
    if (audio.output !== undefined) {
      const p = 'session.audio.output';
      const output = expectObject(audio.output, p);
      rejectUnknownKeys(output, ['format', 'voice', 'speed'], p);
      if (output.format !== undefined) next.audio.output.format = parseFormat(output.format, `${p}.format`);
      if (output.speed !== undefined) next.audio.output.speed = expectNumber(output.speed, `${p}.speed`, 0.25, 1.5);
      if (output.voice !== undefined) {
        const voice = parseVoice(output.voice, `${p}.voice`);
        if (ctx.assistantAudioPresent && voiceKey(voice) !== voiceKey(current.audio.output.voice)) {
          fail('cannot_update_voice', "Cannot update a conversation's voice if assistant audio is present.", `${p}.voice`);
        }
        next.audio.output.voice = voice;
      }
    }
  }
  if (patch.include !== undefined) next.include = parseInclude(patch.include, 'session.include');
  if (patch.tools !== undefined) next.tools = parseTools(patch.tools, 'session.tools');
  if (patch.tool_choice !== undefined) next.tool_choice = parseToolChoice(patch.tool_choice, 'session.tool_choice');
  if (patch.max_output_tokens !== undefined)
    next.max_output_tokens = parseMaxOutputTokens(patch.max_output_tokens, 'session.max_output_tokens');
  if (patch.parallel_tool_calls !== undefined)
    next.parallel_tool_calls = parseParallelToolCalls(patch.parallel_tool_calls, 'session.parallel_tool_calls', current.model);
  if (patch.reasoning !== undefined) next.reasoning = parseReasoning(patch.reasoning, 'session.reasoning', current.model);
  if (patch.truncation !== undefined) next.truncation = parseTruncation(patch.truncation, 'session.truncation');
  if (patch.tracing !== undefined) {
    const tracing = parseTracing(patch.tracing, 'session.tracing');
    if (current.tracing !== null && JSON.stringify(tracing) !== JSON.stringify(current.tracing)) {
      fail(
        'invalid_value',
        "Invalid value for 'session.tracing': the tracing configuration cannot be modified once it is set.",
        'session.tracing',
      );
    }
    next.tracing = tracing;
  }
  if (patch.prompt !== undefined) next.prompt = parsePrompt(patch.prompt, 'session.prompt');
  return next;
}

// ---------------------------------------------------------------------------------------------
// response.create
// ---------------------------------------------------------------------------------------------

export type ResponseParams = {
  /** The session with this response's overrides applied (instructions, tools, ...). */
  session: FakeSession;
  outputModalities: ['audio'] | ['text'];
  voice: string | { id: string };
  maxOutputTokens: number | 'inf';
  metadata: JsonObject | null;
  /** `'none'`: out-of-band, nothing is written to the conversation. */
  conversation: 'auto' | 'none';
  /** Custom context (`response.input`), if given. */
  input: JsonObject[] | null;
};

export function parseResponseCreate(session: FakeSession, event: JsonObject): ResponseParams {
  const params: ResponseParams = {
    session: structuredClone(session),
    outputModalities: [...session.output_modalities] as ['audio'] | ['text'],
    voice: session.audio.output.voice,
    maxOutputTokens: session.max_output_tokens,
    metadata: null,
    conversation: 'auto',
    input: null,
  };
  if (event.response === undefined || event.response === null) return params;
  const r = expectObject(event.response, 'response');
  rejectUnknownKeys(r, RESPONSE_KEYS, 'response');
  const s = params.session;
  if (r.output_modalities !== undefined)
    params.outputModalities = s.output_modalities = parseOutputModalities(r.output_modalities, 'response.output_modalities');
  if (r.instructions !== undefined) s.instructions = expectString(r.instructions, 'response.instructions');
  if (r.tools !== undefined) s.tools = parseTools(r.tools, 'response.tools');
  if (r.tool_choice !== undefined) s.tool_choice = parseToolChoice(r.tool_choice, 'response.tool_choice');
  if (r.max_output_tokens !== undefined)
    params.maxOutputTokens = s.max_output_tokens = parseMaxOutputTokens(r.max_output_tokens, 'response.max_output_tokens');
  if (r.parallel_tool_calls !== undefined)
    s.parallel_tool_calls = parseParallelToolCalls(r.parallel_tool_calls, 'response.parallel_tool_calls', s.model);
  if (r.reasoning !== undefined) s.reasoning = parseReasoning(r.reasoning, 'response.reasoning', s.model);
  if (r.prompt !== undefined) s.prompt = parsePrompt(r.prompt, 'response.prompt');
  if (r.conversation !== undefined) params.conversation = expectEnum(r.conversation, 'response.conversation', ['auto', 'none']);
  if (r.metadata !== undefined && r.metadata !== null) {
    const md = expectObject(r.metadata, 'response.metadata');
    for (const [k, v] of Object.entries(md)) expectString(v, `response.metadata.${k}`);
    params.metadata = structuredClone(md);
  }
  if (r.input !== undefined) {
    params.input = expectArray(r.input, 'response.input').map((it, i) => structuredClone(expectObject(it, `response.input[${i}]`)));
  }
  if (r.audio !== undefined) {
    const audio = expectObject(r.audio, 'response.audio');
    rejectUnknownKeys(audio, ['output'], 'response.audio');
    if (audio.output !== undefined) {
      const out = expectObject(audio.output, 'response.audio.output');
      rejectUnknownKeys(out, ['format', 'voice'], 'response.audio.output');
      if (out.format !== undefined) parseFormat(out.format, 'response.audio.output.format');
      if (out.voice !== undefined) params.voice = s.audio.output.voice = parseVoice(out.voice, 'response.audio.output.voice');
    }
  }
  return params;
}
