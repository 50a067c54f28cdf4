import type { SecretKind } from '../../preload/contract/types.js';

export type { SecretKind };

/** A secret with the origin (`scheme://host:port`) it was entered for; null only for a file written before origins were kept. */
export type StoredSecret = { value: string; origin: string | null };

/** How secrets are stored: encrypted by the OS keychain, or not (and why). */
export type SecretStorage = { encrypted: boolean; note?: string };

/**
 * Keys and tokens, kept in the main process only and encrypted at rest, each with the origin it was
 * entered for. Nothing reads a value from here to open a connection except BoundSecrets, which hands
 * it only to that origin.
 */
export interface SecretStore {
  get(kind: SecretKind): Promise<StoredSecret | undefined>;
  set(kind: SecretKind, value: string, origin: string): Promise<void>;
  delete(kind: SecretKind): Promise<void>;
  readonly storage: SecretStorage;
}
