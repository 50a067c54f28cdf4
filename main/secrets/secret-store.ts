import type { SecretKind, SecretsStatus } from '../../preload/contract/types.js';

export type { SecretKind, SecretsStatus };

/** Keys and tokens, kept in the main process only and encrypted at rest. */
export interface SecretStore {
  get(kind: SecretKind): Promise<string | undefined>;
  set(kind: SecretKind, value: string): Promise<void>;
  delete(kind: SecretKind): Promise<void>;
  status(): Promise<SecretsStatus>;
}
