/**
 * A Dolev-Yao attacker on a link: it sees every packet, and may drop, delay, modify, replay
 * or inject. Rules run in order on each packet in flight; the first that returns a verdict
 * other than 'pass' decides.
 */
import { Subject, type Observable } from 'rxjs';

export type Direction = 'a->b' | 'b->a';

export interface InFlight {
  readonly index: number;
  readonly time: number;
  readonly direction: Direction;
  readonly data: Uint8Array;
}

export type Verdict =
  'pass' | 'drop' | { readonly replace: Uint8Array } | { readonly delay: number };

export type Rule = (packet: InFlight) => Verdict;

export interface AdversaryLink {
  /** Put bytes on the wire towards one end, as if sent by the other. */
  send(direction: Direction, data: Uint8Array, delay: number): void;
}

export class Adversary {
  readonly seen: InFlight[] = [];
  readonly #observed = new Subject<InFlight>();
  #rules: Rule[] = [];
  #link: AdversaryLink | null = null;
  #count = 0;
  /** How many packets the rules dropped, replaced, delayed. */
  readonly stats = { dropped: 0, modified: 0, delayed: 0, injected: 0, replayed: 0 };

  get observed$(): Observable<InFlight> {
    return this.#observed.asObservable();
  }

  attach(link: AdversaryLink): void {
    this.#link = link;
  }

  rule(r: Rule): this {
    this.#rules.push(r);
    return this;
  }

  clearRules(): void {
    this.#rules = [];
  }

  /** Drop packets matching `pred`. */
  drop(pred: (p: InFlight) => boolean): this {
    return this.rule((p) => (pred(p) ? 'drop' : 'pass'));
  }

  /** Rewrite packets matching `pred`. */
  modify(pred: (p: InFlight) => boolean, change: (data: Uint8Array) => Uint8Array): this {
    return this.rule((p) => (pred(p) ? { replace: change(Uint8Array.from(p.data)) } : 'pass'));
  }

  delay(pred: (p: InFlight) => boolean, ms: number): this {
    return this.rule((p) => (pred(p) ? { delay: ms } : 'pass'));
  }

  /** Send again a packet seen earlier (by its index in `seen`), after `delay` ms. */
  replay(index: number, delay = 0): void {
    const p = this.seen[index];
    if (p === undefined || this.#link === null)
      throw new RangeError(`no packet ${index} to replay`);
    this.stats.replayed++;
    this.#link.send(p.direction, Uint8Array.from(p.data), delay);
  }

  inject(direction: Direction, data: Uint8Array, delay = 0): void {
    if (this.#link === null) throw new Error('adversary is not on a link');
    this.stats.injected++;
    this.#link.send(direction, Uint8Array.from(data), delay);
  }

  /** Called by the link for each packet it carries. */
  judge(time: number, direction: Direction, data: Uint8Array): Verdict {
    const p: InFlight = { index: this.#count++, time, direction, data: Uint8Array.from(data) };
    this.seen.push(p);
    this.#observed.next(p);
    for (const r of this.#rules) {
      const v = r(p);
      if (v === 'pass') continue;
      if (v === 'drop') this.stats.dropped++;
      else if ('replace' in v) this.stats.modified++;
      else this.stats.delayed++;
      return v;
    }
    return 'pass';
  }
}
