/**
 * The renderer's state: only projections received from main (status, transcript, entity cards,
 * settings) plus local UI state. Pure reducer functions, tested in Node.
 *
 * Ordering (fetch-then-subscribe): the page subscribes first and buffers events until the `state:get`
 * snapshot arrives; then it applies the buffered and later events whose `seq` is greater than the
 * snapshot's and than the last one applied on that channel. Each event carries a whole projection, so
 * dropping an older one loses nothing. After a reconnect the page buffers again and re-fetches.
 */
import type { EventChannels, PublicSettings } from '../../preload/contract/channels.js';
import type { AssistantFullState, EntityCard, StatusView, TranscriptItem } from '../../preload/contract/types.js';
import type { WireError } from '../../preload/contract/wire-error.js';
import type { LinkState } from './app-api.js';

export type SeqChannel = 'status:changed' | 'transcript:changed' | 'entities:changed';
export type SeqEvent = { [K in SeqChannel]: { channel: K; payload: EventChannels[K] } }[SeqChannel];

/** A transient message shown in the banner; it clears itself at `expiresAt`. */
export type Notice = { id: number; error: WireError; expiresAt: number };

export type AppState = {
  /** A snapshot has been applied and no re-fetch is pending. */
  ready: boolean;
  /** The snapshot's seq: events at or below it are older than what we show. */
  seq: number;
  lastSeq: Record<SeqChannel, number>;
  /** Events received while waiting for a snapshot. */
  buffer: SeqEvent[];
  status: StatusView | null;
  transcript: TranscriptItem[];
  entities: EntityCard[];
  onboarded: boolean;
  settings: PublicSettings | null;
  link: LinkState;
  notices: Notice[];
  /** `state:get` failed: shown instead of the app until a retry works. */
  loadError: WireError | null;
};

export const NOTICE_MS = 8_000;
const MAX_BUFFER = 200;

export function initialAppState(link: LinkState = 'connecting'): AppState {
  return {
    ready: false,
    seq: 0,
    lastSeq: { 'status:changed': 0, 'transcript:changed': 0, 'entities:changed': 0 },
    buffer: [],
    status: null,
    transcript: [],
    entities: [],
    onboarded: true,
    settings: null,
    link,
    notices: [],
    loadError: null,
  };
}

/** A fresh snapshot replaces every projection (seq may be lower than before after main restarted). */
export function applySnapshot(state: AppState, snapshot: AssistantFullState): AppState {
  let next: AppState = {
    ...state,
    ready: true,
    loadError: null,
    seq: snapshot.seq,
    lastSeq: { 'status:changed': snapshot.seq, 'transcript:changed': snapshot.seq, 'entities:changed': snapshot.seq },
    buffer: [],
    status: snapshot.status,
    transcript: snapshot.transcript,
    entities: snapshot.entities,
    onboarded: snapshot.onboarded,
  };
  for (const event of state.buffer) next = applyEvent(next, event);
  return next;
}

/** Waits for a new snapshot (after a reconnect): events are buffered again. */
export function awaitSnapshot(state: AppState): AppState {
  return { ...state, ready: false, buffer: [] };
}

export function applyEvent(state: AppState, event: SeqEvent): AppState {
  if (!state.ready) {
    const buffer = state.buffer.length >= MAX_BUFFER ? state.buffer.slice(1) : state.buffer;
    return { ...state, buffer: [...buffer, event] };
  }
  const seq = event.payload.seq;
  if (!(seq > state.seq) || !(seq > state.lastSeq[event.channel])) return state;
  const lastSeq = { ...state.lastSeq, [event.channel]: seq };
  switch (event.channel) {
    case 'status:changed':
      return { ...state, lastSeq, status: event.payload.status };
    case 'transcript:changed':
      return { ...state, lastSeq, transcript: event.payload.items };
    case 'entities:changed':
      return { ...state, lastSeq, entities: event.payload.cards };
  }
}

export function applySettings(state: AppState, settings: PublicSettings): AppState {
  return { ...state, settings };
}

export function setLink(state: AppState, link: LinkState): AppState {
  return state.link === link ? state : { ...state, link };
}

export function setLoadError(state: AppState, error: WireError | null): AppState {
  return { ...state, loadError: error };
}

export function markOnboarded(state: AppState): AppState {
  return { ...state, onboarded: true };
}

/** Adds a notice; the same message again only extends the one already shown. */
export function addNotice(state: AppState, error: WireError, now: number, id: number): AppState {
  const expiresAt = now + NOTICE_MS;
  const same = state.notices.find((n) => n.error.message === error.message && n.error.source === error.source);
  if (same) return { ...state, notices: state.notices.map((n) => (n === same ? { ...n, expiresAt } : n)) };
  return { ...state, notices: [...state.notices, { id, error, expiresAt }].slice(-3) };
}

export function dismissNotice(state: AppState, id: number): AppState {
  return { ...state, notices: state.notices.filter((n) => n.id !== id) };
}

export function expireNotices(state: AppState, now: number): AppState {
  const notices = state.notices.filter((n) => n.expiresAt > now);
  return notices.length === state.notices.length ? state : { ...state, notices };
}
