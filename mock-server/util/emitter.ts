/**
 * A small typed event emitter. The core must not depend on VS Code's EventEmitter, and Node's untyped one
 * would lose the event signatures the extension and CLI rely on.
 */
export interface Disposable {
  dispose(): void;
}

type Listener = (...args: unknown[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  // Stored untyped: the map cannot express "the listener type for this key"; `on` and `emit` keep it typed.
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as unknown as Listener;
    set.add(l);
    return { dispose: () => set!.delete(l) };
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      // A failing listener must not stop the others or the server (e.g. a UI bug must not lose a hook answer).
      try {
        l(...(args as unknown[]));
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  /** Whether anyone listens to `event`: lets an emitter skip building what nobody would receive. */
  listens(event: keyof Events): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
