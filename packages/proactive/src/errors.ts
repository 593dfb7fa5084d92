/** Typed errors of the threshold protocols. None carries share or key bytes. */
export class ProactiveError extends Error {
  override readonly name: string = 'ProactiveError';
}

/** Parameters that cannot work (t ≥ n, an index out of range, too few shares). */
export class ThresholdParameterError extends ProactiveError {
  override readonly name = 'ThresholdParameterError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Too few qualified parties remain to finish (more than t misbehaved or were silent). */
export class NotEnoughPartiesError extends ProactiveError {
  override readonly name = 'NotEnoughPartiesError';
  constructor(
    readonly protocol: string,
    readonly have: number,
    readonly need: number,
  ) {
    super(`${protocol}: ${have} qualified parties, need ${need}`);
  }
}

/** A result failed its final check (a recovered share that does not match its verification point, an aggregate signature that does not verify). */
export class VerificationError extends ProactiveError {
  override readonly name = 'VerificationError';
  constructor(
    readonly protocol: string,
    readonly reason: string,
  ) {
    super(`${protocol}: ${reason}`);
  }
}

/** A signature share that does not verify: `signer` is named, the coordinator excludes it. */
export class BadSignatureShareError extends ProactiveError {
  override readonly name = 'BadSignatureShareError';
  constructor(readonly signers: readonly number[]) {
    super(`bad signature share from ${signers.join(', ')}`);
  }
}

/** The nonce pool has no precomputed commitment left (or the one named was used). */
export class NonceExhaustedError extends ProactiveError {
  override readonly name = 'NonceExhaustedError';
  constructor(readonly signer: number) {
    super(`signer ${signer}: no unused precomputed nonce`);
  }
}
