/** Typed errors of the crypto engines. None of them ever carries key bytes. */
export class CryptoError extends Error {
  override readonly name: string = 'CryptoError';
}

export class UnsupportedAlgorithmError extends CryptoError {
  override readonly name = 'UnsupportedAlgorithmError';
  constructor(
    readonly engine: string,
    readonly algorithm: string,
  ) {
    super(`engine ${engine} does not support ${algorithm}`);
  }
}

export class InvalidKeyError extends CryptoError {
  override readonly name = 'InvalidKeyError';
  constructor(
    readonly algorithm: string,
    readonly reason: string,
  ) {
    super(`${algorithm}: ${reason}`);
  }
}

export class KeyDestroyedError extends CryptoError {
  override readonly name = 'KeyDestroyedError';
  constructor(readonly algorithm: string) {
    super(`${algorithm}: key was destroyed`);
  }
}

export class InvalidParameterError extends CryptoError {
  override readonly name = 'InvalidParameterError';
  constructor(
    readonly algorithm: string,
    readonly reason: string,
  ) {
    super(`${algorithm}: ${reason}`);
  }
}
