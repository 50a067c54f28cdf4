import type { MessagePhase, TranscriptItem, TranscriptMessage } from '../../preload/contract/types.js';

/**
 * The conversation as the user sees it (the contract's TranscriptItem), folded from protocol events.
 * Pure: the same actions always give the same transcript, so the renderer's projection and the
 * session's carried-over history agree.
 */
export type TranscriptEntry = TranscriptItem;

export type TranscriptAction =
  | { type: 'message_started'; id: string; role: 'user' | 'assistant'; phase?: MessagePhase }
  | { type: 'text_delta'; id: string; role: 'user' | 'assistant'; delta: string }
  | { type: 'text_done'; id: string; role: 'user' | 'assistant'; text?: string }
  | { type: 'interrupted'; id: string }
  | { type: 'tool_called'; callId: string; name: string; arguments: string }
  | { type: 'tool_finished'; callId: string; ok: boolean; output: string }
  | { type: 'removed'; id: string }
  | { type: 'cleared' };

const MAX_ENTRIES = 200;

export function reduceTranscript(entries: readonly TranscriptEntry[], action: TranscriptAction): TranscriptEntry[] {
  switch (action.type) {
    case 'message_started': {
      const phase = action.phase === undefined ? {} : { phase: action.phase };
      if (entries.some((e) => e.id === action.id)) {
        return entries.map((e) => (e.kind === 'message' && e.id === action.id ? { ...e, ...phase } : e));
      }
      return cap([...entries, { kind: 'message', id: action.id, role: action.role, text: '', final: false, ...phase }]);
    }
    case 'text_delta':
      return upsertMessage(entries, action.id, action.role, (m) => ({ ...m, text: m.text + action.delta }));
    case 'text_done':
      return upsertMessage(entries, action.id, action.role, (m) => ({ ...m, text: action.text ?? m.text, final: true }));
    case 'interrupted':
      return entries.map((e) => (e.kind === 'message' && e.id === action.id ? { ...e, interrupted: true, final: true } : e));
    case 'tool_called':
      return cap([
        ...entries,
        { kind: 'tool', id: `tool_${action.callId}`, callId: action.callId, name: action.name, arguments: action.arguments },
      ]);
    case 'tool_finished':
      return entries.map((e) => (e.kind === 'tool' && e.callId === action.callId ? { ...e, ok: action.ok, output: action.output } : e));
    case 'removed':
      return entries.filter((e) => e.id !== action.id);
    case 'cleared':
      return [];
  }
}

function upsertMessage(
  entries: readonly TranscriptEntry[],
  id: string,
  role: 'user' | 'assistant',
  update: (m: TranscriptMessage) => TranscriptMessage,
): TranscriptEntry[] {
  const index = entries.findIndex((e) => e.id === id);
  if (index < 0) return cap([...entries, update({ kind: 'message', id, role, text: '', final: false })]);
  const existing = entries[index]!;
  if (existing.kind !== 'message') return [...entries];
  const next = [...entries];
  next[index] = update(existing);
  return next;
}

function cap(entries: TranscriptEntry[]): TranscriptEntry[] {
  return entries.length > MAX_ENTRIES ? entries.slice(entries.length - MAX_ENTRIES) : entries;
}

/**
 * The conversation as compact text for a new session after a reconnect or rotation, newest last,
 * within `maxChars` (older turns are dropped first).
 */
export function summarizeForReseed(entries: readonly TranscriptEntry[], maxChars = 4000): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.kind === 'message') {
      const text = e.text.trim();
      if (!text) continue;
      const speaker = e.role === 'user' ? 'User' : e.phase === 'commentary' ? 'Assistant (preamble)' : 'Assistant';
      lines.push(`${speaker}: ${text}${e.interrupted ? ' [interrupted by the user]' : ''}`);
    } else if (e.output !== undefined) {
      lines.push(`Tool ${e.name}(${e.arguments}) → ${e.output}`);
    }
  }
  const kept: string[] = [];
  let size = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.length > 800 ? `${lines[i]!.slice(0, 800)}…` : lines[i]!;
    if (size + line.length + 1 > maxChars) break;
    kept.unshift(line);
    size += line.length + 1;
  }
  return kept.join('\n');
}
