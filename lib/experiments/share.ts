/**
 * One run, several readers: a page section's live chart follows every snapshot while its comparison charts
 * redraw only when the run finishes. `shareRun` pumps a run's snapshots in the background (so the run never
 * waits for a reader) and hands each reader an async generator that yields the latest snapshot whenever its
 * `key` changes, and always the last. `stop` (a page cell's invalidation) returns the run, which cancels it
 * in the worker.
 */
export interface SharedRun<S> {
  /** The latest snapshot (`initial` until the first arrives). */
  readonly latest: S & { error?: Error };
  readonly finished: boolean;
  /**
   * Snapshots for one reader: the current one at once, then each whose key differs from the last yielded, and the
   * last. `stop` (the reader's cell's invalidation) ends it even while it waits: a run under run controls stays
   * open after its last step, waiting for a restart, and a reader that only stopped reading would wait with it,
   * keeping its figure alive (the from-scratch page kept every redrawn figure: +0.5 MiB of heap per rerun).
   */
  updates(options?: { key?: (s: S) => unknown; stop?: PromiseLike<unknown> }): AsyncGenerator<S & { error?: Error }, void, undefined>;
}

export function shareRun<S extends { done: boolean }>(source: AsyncIterable<S>, { initial, stop }: { initial: S; stop?: PromiseLike<unknown> }): SharedRun<S> {
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
    waiters.clear();
  };
  let latest: S & { error?: Error } = initial;
  let finished = false;
  const iterator = source[Symbol.asyncIterator]();
  let stopped = false;
  void stop?.then(() => {
    stopped = true;
    void iterator.return?.();
  });
  void (async () => {
    try {
      for (;;) {
        const r = await iterator.next();
        if (r.done || stopped) break;
        latest = r.value;
        notify();
      }
    } catch (error) {
      latest = { ...latest, done: true, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      finished = true;
      if (!latest.done && !stopped) latest = { ...latest, done: true };
      notify();
    }
  })();
  return {
    get latest() {
      return latest;
    },
    get finished() {
      return finished;
    },
    async *updates({ key = (s: S) => s, stop: readerStop }: { key?: (s: S) => unknown; stop?: PromiseLike<unknown> } = {}) {
      let shown: S | null = null;
      let shownKey: unknown;
      let ended = false;
      let wake: (() => void) | null = null;
      void readerStop?.then(() => {
        ended = true;
        if (wake) waiters.delete(wake);
        wake?.();
      });
      for (;;) {
        if (ended) return;
        const s = latest;
        if (s !== shown && (shown === null || finished || key(s) !== shownKey)) {
          shown = s;
          shownKey = key(s);
          yield s;
        } else if (finished) return;
        else {
          await new Promise<void>((resolve) => waiters.add((wake = resolve)));
          wake = null;
        }
      }
    },
  };
}
