/**
 * Realtime API (GA) wire types, taken type-only from the official `openai` package so they follow
 * the API without a runtime dependency.
 */
export type {
  RealtimeFunctionTool as FunctionTool,
  RealtimeAudioInputTurnDetection as TurnDetection,
} from 'openai/resources/realtime/realtime';

import type { RealtimeClientEvent, RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';

type SdkAudio = NonNullable<RealtimeSessionCreateRequest['audio']>;
type SdkAudioInput = NonNullable<SdkAudio['input']>;

/**
 * The GA session object. The SDK types omit `null` for `noise_reduction` and `transcription`, but
 * `null` is how the API switches them off, so the type is widened for those two.
 */
export type SessionConfig = Omit<RealtimeSessionCreateRequest, 'audio'> & {
  audio?: Omit<SdkAudio, 'input'> & {
    input?: Omit<SdkAudioInput, 'noise_reduction' | 'transcription'> & {
      noise_reduction?: SdkAudioInput['noise_reduction'] | null;
      transcription?: SdkAudioInput['transcription'] | null;
    };
  };
};

/** Any frame the server sent that parsed as an object with a string `type`, known or not. */
export type AnyServerEvent = { type: string; event_id?: string; [key: string]: unknown };

/** Client events, with `session.update` carrying the widened session type above. */
export type ClientEvent =
  Exclude<RealtimeClientEvent, { type: 'session.update' }> | { type: 'session.update'; event_id?: string; session: SessionConfig };
