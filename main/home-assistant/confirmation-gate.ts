import type { Clock } from '../util/clock.js';
import type { ExposedEntity } from './exposed-home.js';

/**
 * Spoken confirmation for sensitive actions, enforced by the app rather than trusted to the model.
 *
 * The first call for a sensitive action records a pending confirmation with the user turn at which
 * it was asked and answers "confirmation required". A call with `confirmed: true` is accepted only
 * when the same action on the same entity is pending, it was asked less than `ttlMs` ago, and the
 * user has spoken since (the conversation's user-turn counter is greater than when it was asked).
 * An accepted confirmation is used up.
 */

/** Actions that can need confirmation. Closing, locking and arming never do. */
export type SensitiveAction = 'unlock' | 'open' | 'disarm' | 'control';

export type ConfirmationKey = { entityId: string; action: string; detail?: string };

export type GateDecision =
  /** Go ahead. */
  | { kind: 'allowed' }
  /** Ask the user first (a new pending confirmation was recorded). */
  | { kind: 'ask'; reason: 'first_request' | 'expired' | 'different_request' }
  /** Confirmed too early: the user has not spoken since the question. */
  | { kind: 'wait_for_user' };

type Pending = { askedAtTurn: number; at: number };

export const CONFIRMATION_TTL_MS = 60_000;

export class ConfirmationGate {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #pending = new Map<string, Pending>();
  /** Recently expired keys, to tell the model "expired" rather than "never asked". */
  readonly #expired = new Set<string>();

  constructor(options: { clock: Clock; ttlMs?: number }) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? CONFIRMATION_TTL_MS;
  }

  /** Decides a call; `keys` are the sensitive (entity, action) pairs it contains (never empty). */
  check(keys: readonly ConfirmationKey[], call: { confirmed: boolean; userTurn: number }): GateDecision {
    const now = this.#clock.now();
    this.#expire(now);
    const ids = keys.map(keyOf);
    if (call.confirmed) {
      const pending = ids.map((id) => this.#pending.get(id));
      if (pending.every((p) => p !== undefined)) {
        if (pending.every((p) => call.userTurn > p!.askedAtTurn)) {
          for (const id of ids) this.#pending.delete(id);
          return { kind: 'allowed' };
        }
        return { kind: 'wait_for_user' };
      }
    }
    const reason = call.confirmed ? (ids.some((id) => this.#expired.has(id)) ? 'expired' : 'different_request') : 'first_request';
    for (const id of ids) this.#pending.set(id, { askedAtTurn: call.userTurn, at: now });
    return { kind: 'ask', reason };
  }

  /** Forget everything (the conversation ended). */
  clear(): void {
    this.#pending.clear();
    this.#expired.clear();
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  #expire(now: number): void {
    for (const [id, pending] of this.#pending) {
      if (now - pending.at > this.#ttlMs) {
        this.#pending.delete(id);
        this.#expired.add(id);
        if (this.#expired.size > 100) this.#expired.clear();
      }
    }
  }
}

function keyOf(key: ConfirmationKey): string {
  return `${key.entityId}\u0000${key.action}\u0000${key.detail ?? ''}`;
}

/**
 * Whether some action on this entity can need confirmation: its domain is listed in
 * `confirmDomains`, and a cover only when it is a garage door or gate.
 */
export function mayNeedConfirmation(entity: Pick<ExposedEntity, 'domain' | 'deviceClass'>, confirmDomains: readonly string[]): boolean {
  return (
    confirmDomains.includes(entity.domain) &&
    (entity.domain !== 'cover' || entity.deviceClass === 'garage' || entity.deviceClass === 'gate')
  );
}

/**
 * Whether an action needs confirmation. For lock, cover and alarm_control_panel only the risky
 * direction does (unlock/open a lock, open a garage door or gate, disarm an alarm); any other
 * domain listed in `confirmDomains` needs confirmation for every action.
 */
export function needsConfirmation(
  entity: Pick<ExposedEntity, 'domain' | 'deviceClass'>,
  action: string,
  confirmDomains: readonly string[],
  detail?: { currentPosition?: number | null; targetPosition?: number },
): boolean {
  if (!mayNeedConfirmation(entity, confirmDomains)) return false;
  switch (entity.domain) {
    case 'lock':
      return action === 'unlock' || action === 'open';
    case 'alarm_control_panel':
      return action === 'disarm';
    case 'cover': {
      if (action === 'open') return true;
      if (action === 'set_position' && detail?.targetPosition !== undefined) {
        return detail.targetPosition > (detail.currentPosition ?? 0);
      }
      return false;
    }
    default:
      return true;
  }
}
