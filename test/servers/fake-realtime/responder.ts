import type { Responder, ScriptedTurn, TurnContext } from './types.js';

/**
 * The default "model": an audio turn is transcribed as "Hello." and answered "I heard you.";
 * a text turn is echoed ("You said: …"); function outputs get "Done."; a bare response.create
 * gets "How can I help?".
 */
export const defaultResponder: Responder = (ctx: TurnContext): ScriptedTurn => {
  switch (ctx.trigger) {
    case 'audio':
      return { userTranscript: 'Hello.', items: [{ type: 'message', text: 'I heard you.' }] };
    case 'text':
      return { items: [{ type: 'message', text: `You said: ${ctx.userText ?? ''}` }] };
    case 'function_output':
      return { items: [{ type: 'message', text: 'Done.' }] };
    case 'idle_timeout':
      return { items: [{ type: 'message', text: 'Are you still there?' }] };
    case 'response.create':
      return { items: [{ type: 'message', text: 'How can I help?' }] };
  }
};

/** A script consumed in order (shared by all connections of a server), then the responder. */
export class TurnSource {
  private script: ScriptedTurn[];

  constructor(
    script: ScriptedTurn[] | undefined,
    private responder: Responder,
  ) {
    this.script = [...(script ?? [])];
  }

  next(ctx: TurnContext): ScriptedTurn {
    const scripted = this.script.shift();
    return structuredClone(scripted ?? this.responder(ctx));
  }

  setResponder(responder: Responder): void {
    this.responder = responder;
    this.script = [];
  }
}
