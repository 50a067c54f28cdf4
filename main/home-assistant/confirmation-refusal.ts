import type { GateDecision } from './confirmation-gate.js';

/** What the model is told when the gate does not let a call through: a sentence it can act on. */
export function refusalFor(decision: Exclude<GateDecision, { kind: 'allowed' }>, question: string, tool: string): Record<string, unknown> {
  switch (decision.kind) {
    case 'ask':
      return {
        confirmation_required: true,
        message: `Nothing was done yet. Ask the user: "${question}" Only after they say yes, call ${tool} again with the same arguments and confirmed: true.`,
      };
    case 'wait_for_user':
      return {
        confirmation_required: true,
        error: `Not done: the user has not answered yet. Ask them "${question}", wait for their answer, and only then call again with confirmed: true.`,
      };
    case 'declined':
      return {
        confirmed: false,
        error:
          decision.answer === 'no'
            ? 'Not done: the user said no. Tell them it was not done.'
            : "Not done: the user's answer was not a clear yes. Tell them it was not done; if they still want it, call the tool again without confirmed to ask again.",
      };
    case 'unverifiable':
      return {
        confirmed: false,
        error: {
          transcription_off:
            'Not done: a spoken yes cannot be checked because speech transcription is off. Tell the user to turn transcription on in the settings, or to type yes.',
          transcription_failed:
            "Not done: the user's answer could not be transcribed, so it could not be checked. Ask them again by calling the tool without confirmed.",
          transcript_late:
            "Not done: the user's answer was not transcribed in time to check it. Ask them again by calling the tool without confirmed.",
          no_conversation: 'Not done: this needs a spoken yes; ask Hearth by voice.',
        }[decision.reason],
      };
  }
}
