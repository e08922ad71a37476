/**
 * A small typed event emitter. The core must not depend on VS Code's EventEmitter, and Node's untyped one
 * would lose the event signatures the extension and CLI rely on.
 */
export interface Disposable {
  dispose(): void;
}

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<(...args: never[]) => void>>();

  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => void);
    return { dispose: () => set!.delete(listener as (...args: never[]) => void) };
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      // A failing listener must not stop the others or the server (e.g. a UI bug must not lose a hook answer).
      try {
        (l as (...a: Events[K]) => void)(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
