import { z } from 'zod';
import { defineTool, type Tool } from './define-tool.js';

/**
 * Tools about the conversation itself. `end_conversation` lets "thanks, that's all" close the
 * session after the goodbye has been spoken, instead of waiting for the idle timeout.
 */
export function createConversationTools(onEnd: (reason: string) => void): Tool[] {
  return [
    defineTool({
      name: 'end_conversation',
      description:
        'End the conversation when the user says goodbye, thanks you with nothing more to do, or asks you to stop listening. Say your short goodbye before calling it.',
      parameters: z.object({ reason: z.string().max(200).optional().describe('Why the conversation ends, e.g. "user said goodbye".') }),
      respond: false,
      execute: ({ reason }) => {
        onEnd(reason ?? 'the model ended the conversation');
        return { ok: true, note: 'The conversation will close after your reply finishes playing.' };
      },
    }),
  ];
}
