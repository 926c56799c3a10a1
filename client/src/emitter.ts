type Listener<T> = (payload: T) => void;

/** A minimal typed event emitter; a throwing listener never breaks the SDK or other listeners. */
export class Emitter<Events extends object> {
  private listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(payload);
      } catch (error) {
        // A bug in app code must not stop sync; surface it where developers look.
        (globalThis as { console?: { error(...a: unknown[]): void } }).console?.error(error);
      }
    }
  }
}
