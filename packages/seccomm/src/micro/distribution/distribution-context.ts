/**
 * What the tasks of one key distribution share: the connection, the key index they
 * distribute, and the computations every protocol uses (key creation through keyCreate_j, key
 * confirmation, the Diffie-Hellman transcript). No exchange state lives here: that is in the
 * tasks, one per exchange.
 */
import { done, refused, type CompositeProtocol, type ProcessResult } from '@conduits/core';
import { constantTimeEqual } from '@conduits/crypto';
import type { ResolvedMicroProtocol } from '../../config/composition.js';
import { Keys, settings, type ConnectionSettings } from '../../runtime/context.js';
import { keyCreate, type KeyCreation } from '../../runtime/events.js';
import type { KeyTable } from '../../runtime/key-table.js';
import { keyBody } from './key-message.js';

const enc = new TextEncoder();
const CONFIRM_C = enc.encode('seccomm key confirmation C');
const CONFIRM_S = enc.encode('seccomm key confirmation S');
const DH = enc.encode('seccomm dh');

/** A distribution's configuration cannot work (no key creation micro-protocol, no master key...). */
export class DistributionSetupError extends Error {
  override readonly name = 'DistributionSetupError';
}

export class DistributionContext {
  readonly settings: ConnectionSettings;
  readonly keys: KeyTable;

  constructor(
    readonly c: CompositeProtocol,
    readonly m: ResolvedMicroProtocol,
    /** The micro-protocol's label (alerts name it). */
    readonly name: string,
    /** The key index distributed. */
    readonly index: number,
    /** The key creation micro-protocol it raises (keyCreate_j). */
    readonly creation: number,
    /** Bytes of the key. */
    readonly length: number,
  ) {
    this.settings = settings(c);
    this.keys = c.shared.get(Keys);
  }

  /** Key confirmation: a MAC under the new key of who confirms, the target epoch and the index. */
  confirm(k: Uint8Array, who: 'C' | 'S', target: number): Uint8Array {
    const mac = this.settings.engine.mac('hmac-sha256', k);
    try {
      return mac.compute(
        who === 'C' ? CONFIRM_C : CONFIRM_S,
        keyBody(0, target),
        Uint8Array.of(this.index),
      );
    } finally {
      mac.destroy();
    }
  }

  /** Does `got` confirm `k` for `who`? (constant time) */
  confirms(got: Uint8Array, k: Uint8Array, who: 'C' | 'S', target: number): boolean {
    return got.length === 32 && constantTimeEqual(got, this.confirm(k, who, target));
  }

  /**
   * The last step of every distribution: the peer's confirmation of `k` checked, then the
   * staged epoch committed. Done means in force: our last message (if any) leaves under it.
   */
  commitIfConfirmed(got: Uint8Array, k: Uint8Array, who: 'C' | 'S', target: number): ProcessResult {
    if (!this.confirms(got, k, who, target)) return refused('key-confirm-failed');
    this.keys.commit();
    return done;
  }

  /** A new key from keyCreate_j: random, or derived from `material` with `info`. */
  create(extra: Partial<KeyCreation> = {}): Uint8Array {
    const req: KeyCreation = { length: this.length, ...extra };
    this.c.runtime.raise(keyCreate(this.creation), req);
    if (req.key === undefined || req.key.length !== this.length)
      throw new DistributionSetupError(
        `${this.name}: keyCreate_${this.creation} made no ${this.length}-byte key (is the key creation micro-protocol there?)`,
      );
    return req.key;
  }

  /** What a Diffie-Hellman key is bound to: both public values, the epoch and the key index. */
  transcript(clientPub: Uint8Array, serverPub: Uint8Array, target: number): Uint8Array {
    return keyBody(0, target, DH, clientPub, serverPub, Uint8Array.of(this.index));
  }
}
