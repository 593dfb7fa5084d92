/**
 * disablePush() / enablePush() of §3.3.6: while keys are being distributed or replaced the
 * connection takes no new messages out. Each micro-protocol that disables push must enable it
 * again before traffic resumes. Messages pushed meanwhile wait here, in order, and leave when
 * the gate opens (bounded: beyond `limit` they are dropped and counted), so a rekey loses none.
 */
import { msgFromAbove, sharedKey, type CompositeProtocol, type Message } from '@conduits/core';

export class PushGate {
  readonly #disabledBy = new Set<string>();
  readonly #waiting: Message[] = [];
  readonly #listeners: ((enabled: boolean) => void)[] = [];
  limit = 4096;

  get enabled(): boolean {
    return this.#disabledBy.size === 0;
  }

  /** Who holds the gate closed (micro-protocol names). */
  get holders(): readonly string[] {
    return [...this.#disabledBy];
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** Called with the new state whenever the gate opens or closes. */
  onChange(listener: (enabled: boolean) => void): void {
    this.#listeners.push(listener);
  }

  disable(by: string): void {
    const was = this.enabled;
    this.#disabledBy.add(by);
    if (was) for (const l of this.#listeners) l(false);
  }

  /** Open for `by`; when nobody holds the gate any more, send what waited, in order. */
  enable(c: CompositeProtocol, by: string): void {
    if (!this.#disabledBy.delete(by) || !this.enabled) return;
    for (const l of this.#listeners) l(true);
    while (this.enabled && this.#waiting.length > 0) {
      const msg = this.#waiting.shift() as Message;
      if (c.runtime.raise(msgFromAbove, msg)) c.sendDown(msg);
    }
  }

  /** Keep a message pushed while disabled; false if the queue is full. */
  hold(msg: Message): boolean {
    if (this.#waiting.length >= this.limit) return false;
    this.#waiting.push(msg);
    return true;
  }

  /** close(): what still waits is released. */
  clear(): void {
    for (const m of this.#waiting.splice(0)) m.release();
  }
}

export const Push = sharedKey<PushGate>('Push', () => new PushGate());
