/**
 * `AbortScope`: a private AbortSignal for one request that follows some source signals (the caller's, often
 * one long-lived signal shared by every request, and the client's own close signal) and is released when the
 * request is done.
 *
 * Why not hand the caller's signal down: undici, timers, credential plugins and watch parsers each add an
 * 'abort' listener to the signal they get, so N requests in flight put N listeners on one shared signal, and
 * Node warns past 10 (`MaxListenersExceededWarning`), which reads as a leak. Here a source carries at most one
 * listener of ours however many scopes follow it; that listener aborts every follower, and it is removed when
 * the last follower is released, so an idle long-lived signal holds nothing of ours. `AbortSignal.any` adds no
 * listener either, but on the Node versions we support it retains every derived signal on a long-lived source
 * (nodejs/node#55351 and follow-ups), hence followers that are released explicitly.
 */

interface Followers {
  readonly controllers: Set<AbortController>;
  readonly onAbort: () => void;
}

/** Keyed weakly: a source that is dropped takes its followers' bookkeeping with it. */
const followersOf = new WeakMap<AbortSignal, Followers>();

function follow(source: AbortSignal, controller: AbortController): void {
  let followers = followersOf.get(source);
  if (!followers) {
    const controllers = new Set<AbortController>();
    const onAbort = (): void => {
      followersOf.delete(source);
      // Snapshot first: an aborted follower's own listeners may release other scopes synchronously.
      const aborted = [...controllers];
      controllers.clear();
      for (const c of aborted) c.abort(source.reason);
    };
    followers = { controllers, onAbort };
    followersOf.set(source, followers);
    source.addEventListener("abort", onAbort, { once: true });
  }
  followers.controllers.add(controller);
}

function unfollow(source: AbortSignal, controller: AbortController): void {
  const followers = followersOf.get(source);
  if (!followers || !followers.controllers.delete(controller)) return;
  if (followers.controllers.size === 0) {
    followersOf.delete(source);
    source.removeEventListener("abort", followers.onAbort);
  }
}

export class AbortScope {
  private readonly controller = new AbortController();
  private sources: AbortSignal[] = [];

  /** Follows every defined source; aborted at once (with that source's reason) if one already is. */
  constructor(sources: ReadonlyArray<AbortSignal | undefined>) {
    for (const source of sources) {
      if (!source) continue;
      if (source.aborted) {
        this.release();
        this.controller.abort(source.reason);
        return;
      }
      follow(source, this.controller);
      this.sources.push(source);
    }
  }

  /** Aborts, with the source's reason, when any source aborts before `release()`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the scope's own signal (not the sources): a timeout, or "this work is over". No-op once aborted. */
  abort(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Stops following the sources; the signal keeps its state. Idempotent. */
  release(): void {
    for (const source of this.sources) unfollow(source, this.controller);
    this.sources = [];
  }
}
