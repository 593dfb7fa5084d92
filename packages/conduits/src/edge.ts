/**
 * rxjs edges isolated like handlers. rxjs catches what a subscriber throws and rethrows it from
 * a timer (`reportUnhandledError`), so one faulty `alerts$` or `datagrams$` subscriber would
 * kill the process. An Edge wraps each subscriber's callbacks before rxjs sees them: what they
 * throw goes to `onError` (the graph counts it and raises a fault) and the emission goes on to
 * the other subscribers. Operators applied to an Edge give an Edge (`lift`), so
 * `alerts$.pipe(filter(...)).subscribe(f)` is guarded too; an Edge merged with other
 * observables (`merge`, `combineLatest`) is not: guard such chains yourself.
 */
import { Observable, Subscriber, type Observer, type Operator, type Subscription } from 'rxjs';

export class Edge<T> extends Observable<T> {
  readonly #onError: (error: unknown) => void;

  constructor(source: Observable<T> | undefined, onError: (error: unknown) => void) {
    super();
    this.source = source;
    this.#onError = onError;
  }

  // The override keeps the deprecated three-callback form working as well.
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((e: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // Operator subscribers come from `lift` below: the user's callbacks sit further down and are guarded there.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    if (
      typeof observerOrNext === 'function' ||
      observerOrNext === null ||
      observerOrNext === undefined
    ) {
      return super.subscribe({
        next: this.#guard(observerOrNext ?? undefined),
        error: this.#guard(error ?? undefined),
        complete: this.#guard(complete ?? undefined),
      });
    }
    const o = observerOrNext;
    return super.subscribe({
      next: this.#guard(o.next?.bind(o)),
      error: this.#guard(o.error?.bind(o)),
      complete: this.#guard(o.complete?.bind(o)),
    });
  }

  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const e = new Edge<R>(this as unknown as Observable<R>, this.#onError);
    e.operator = operator as Operator<unknown, R> | undefined;
    return e;
  }

  #guard<A extends unknown[]>(
    f: ((...args: A) => void) | undefined,
  ): ((...args: A) => void) | undefined {
    if (f === undefined) return undefined;
    const onError = this.#onError;
    return (...args: A) => {
      try {
        f(...args);
      } catch (e) {
        onError(e);
      }
    };
  }
}

/** `source` as an Edge: subscribers that throw are reported to `onError` instead of killing the process. */
export function edge<T>(source: Observable<T>, onError: (error: unknown) => void): Edge<T> {
  return new Edge<T>(source, onError);
}
