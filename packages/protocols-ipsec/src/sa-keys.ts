/**
 * Who holds an SA's keys. The SA keeps its keying material (#private) only until the Cipher
 * session of its Protocol takes it, once; from then on the keys live in that session alone,
 * and destroying the SA or closing the session wipes them.
 */

/** The Cipher session that holds an SA's keys, as the SA sees it: it can only have them wiped. */
export interface KeyCustody {
  wipe(): void;
  readonly wiped: boolean;
}

/** A second Cipher for an SA whose keys already belong to one (the one-call forms' or a graph's). */
export class SaKeysClaimedError extends Error {
  override readonly name = 'SaKeysClaimedError';
  constructor(readonly spi: number) {
    super(`the keys of SA 0x${spi.toString(16).padStart(8, '0')} already belong to a Cipher session`);
  }
}

/** Known-answer tests only: IVs chosen by the test kit (`fixIvs`), by SA, read when its Cipher is made. */
export const fixedIvs = new WeakMap<object, (seq: number) => Uint8Array>();
