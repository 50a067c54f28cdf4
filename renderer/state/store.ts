/** A minimal observable value: views subscribe and re-render on change (see ui/use-store.ts). */
export class Store<T> {
  #state: T;
  readonly #listeners = new Set<(state: T) => void>();

  constructor(initial: T) {
    this.#state = initial;
  }

  get(): T {
    return this.#state;
  }

  set(next: T): void {
    if (Object.is(next, this.#state)) return;
    this.#state = next;
    // A listener may set again: the others then get the newest state, never an older one.
    for (const listener of [...this.#listeners]) listener(this.#state);
  }

  update(change: (state: T) => T): void {
    this.set(change(this.#state));
  }

  subscribe(listener: (state: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
