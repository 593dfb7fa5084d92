/**
 * Runs one protocol run among servers in one process, round by round, delivering every
 * message at once (a synchronous, reliable authenticated broadcast), with a hook to drop or
 * change messages in flight (the adversary of the tests). Refusals are recorded.
 */
import type { Outgoing, RoundProtocol } from '../round-protocol.js';

export interface Flight<M> {
  readonly from: number;
  readonly to: number;
  readonly round: number;
  readonly msg: M;
}

export interface LocalRunOptions<M> {
  /** Return the message to deliver (possibly changed) or null to drop it. */
  readonly intercept?: (f: Flight<M>) => M | null;
  /** Servers that crashed: they send nothing and are never advanced. */
  readonly silent?: readonly number[];
}

export interface LocalRun {
  readonly refusals: { readonly to: number; readonly from: number; readonly reason: string }[];
  readonly delivered: number;
}

export function runLocally<M extends { from: number }, R>(
  parties: readonly RoundProtocol<M, R>[],
  options: LocalRunOptions<M> = {},
): LocalRun {
  const silent = new Set(options.silent ?? []);
  const live = parties.filter((p) => !silent.has(p.self));
  const byIndex = new Map(live.map((p) => [p.self, p]));
  const refusals: { to: number; from: number; reason: string }[] = [];
  let delivered = 0;
  const deliver = (from: number, round: number, out: Outgoing<M>[]) => {
    for (const o of out) {
      const targets =
        o.to === undefined ? parties.map((p) => p.self).filter((i) => i !== from) : [o.to];
      for (const to of targets) {
        const party = byIndex.get(to);
        if (party === undefined) continue;
        const m =
          options.intercept === undefined
            ? o.msg
            : options.intercept({ from, to, round, msg: o.msg });
        if (m === null) continue;
        delivered++;
        const why = party.receive(m);
        if (why !== null) refusals.push({ to, from, reason: why });
      }
    }
  };
  const first = live.map((p) => [p.self, p.start()] as const);
  for (const [from, out] of first) deliver(from, 1, out);
  for (let guard = 0; guard < 16 && live.some((p) => !p.finished); guard++) {
    const outs = live
      .filter((p) => !p.finished)
      .map((p) => [p.self, p.round + 1, p.advance()] as const);
    for (const [from, round, out] of outs) deliver(from, round, out);
  }
  return { refusals, delivered };
}
