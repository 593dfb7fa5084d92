/** Counts refusals by reason and tells the owner of security events (the group's alert stream). */
export type AlertSink = (reason: string, detail: string) => void;

/** Reasons that are security events (an attack or a forgery), as opposed to loss or lateness. */
const security = new Set([
  'hop-tag-invalid',
  'sender-mismatch',
  'reflected',
  'replay',
  'aead-failed',
  'wrong-group',
  'signature-invalid',
  'stale-epoch',
  'not-fresh',
  'bad-auth',
  'unknown-member',
  'identity-mismatch',
]);

export class Refusals {
  readonly counts = new Map<string, number>();

  constructor(private alert: AlertSink = () => {}) {}

  /** Count a refusal; alert if it is a security event. Returns null, for `return refuse(...)`. */
  refuse(reason: string, detail = ''): null {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
    if (security.has(reason)) this.alert(reason, detail);
    return null;
  }

  /** Send alerts somewhere else from now on (the owner's stream). */
  onAlert(sink: AlertSink): void {
    this.alert = sink;
  }

  get(reason: string): number {
    return this.counts.get(reason) ?? 0;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }
}
