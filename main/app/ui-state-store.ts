import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';

export type UiState = { onboardingComplete: boolean };

/** Small app state that is not a setting (first-run done). */
export class UiStateStore {
  readonly #path: string;

  constructor(dir: string) {
    this.#path = join(dir, 'ui-state.json');
  }

  async load(): Promise<UiState> {
    try {
      const value = JSON.parse(await readFile(this.#path, 'utf8')) as Partial<UiState>;
      return { onboardingComplete: value.onboardingComplete === true };
    } catch {
      return { onboardingComplete: false };
    }
  }

  async save(state: UiState): Promise<void> {
    await writeFileAtomic(this.#path, JSON.stringify(state));
  }
}
