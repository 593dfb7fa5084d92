/**
 * A key distribution center (§3.3.6, Kerberos style): it shares a 32-byte master key with
 * each principal and, asked by a client for a key to talk to a server, makes a fresh session
 * key, sealed for the client with a ticket only the server can open (see kdc-messages.ts).
 */
import type { CryptoEngine } from '@conduits/crypto';
import { kdcReply, parseKdcRequest } from './kdc-messages.js';

export class KeyDistributionCenter {
  readonly #masters = new Map<string, Uint8Array>();
  readonly stats = { issued: 0, refused: 0 };

  constructor(
    readonly engine: CryptoEngine,
    readonly now: () => number,
    /** How long a ticket is good for, ms. */
    readonly ticketLifetime = 3_600_000,
  ) {}

  /** Register a principal's master key (the KDC keeps a copy). */
  register(principal: string, masterKey: Uint8Array): void {
    if (masterKey.length !== 32)
      throw new RangeError(`master key of ${principal} must be 32 bytes`);
    this.#masters.set(principal, Uint8Array.from(masterKey));
  }

  handle(request: Uint8Array): Uint8Array | null {
    const req = parseKdcRequest(request);
    const client = req && this.#masters.get(req.client);
    const server = req && this.#masters.get(req.server);
    if (!req || !client || !server || req.length > 64) {
      this.stats.refused++;
      return null;
    }
    this.stats.issued++;
    return kdcReply(this.engine, req, client, server, this.now(), this.ticketLifetime);
  }

  destroy(): void {
    for (const k of this.#masters.values()) k.fill(0);
    this.#masters.clear();
  }
}
