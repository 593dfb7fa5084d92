/** An SA's keys live in one Cipher session, made with the SA and taken by its one Protocol. */

/** A second Protocol for an SA whose Cipher session already belongs to one (the one-call forms' or a graph's). */
export class SaKeysClaimedError extends Error {
  override readonly name = 'SaKeysClaimedError';
  constructor(readonly spi: number) {
    super(
      `the keys of SA 0x${spi.toString(16).padStart(8, '0')} already belong to a Cipher session in a graph`,
    );
  }
}
