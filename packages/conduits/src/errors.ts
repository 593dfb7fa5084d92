/** Typed errors of the core. Each names the conduit and side involved so a wiring mistake
 * can be found from the message alone. */

export class ConduitError extends Error {
  override readonly name: string = 'ConduitError';
}

/** connect() on a side that already has a neighbour. */
export class SideAlreadyConnectedError extends ConduitError {
  override readonly name = 'SideAlreadyConnectedError';
  constructor(
    readonly conduit: string,
    readonly side: string,
    readonly connectedTo: string,
  ) {
    super(`side ${side} of ${conduit} is already connected to ${connectedTo}`);
  }
}

/** A side with no neighbour: found when the graph starts, or when something is sent through it. */
export class DanglingSideError extends ConduitError {
  override readonly name = 'DanglingSideError';
  constructor(
    readonly conduit: string,
    readonly side: string,
  ) {
    super(`side ${side} of ${conduit} is not connected`);
  }
}

/** A mux met a key that no side B[i] serves and has no factory on B[0]. */
export class UnknownKeyError extends ConduitError {
  override readonly name = 'UnknownKeyError';
  constructor(
    readonly conduit: string,
    readonly key: string,
  ) {
    super(`mux ${conduit} has no route for key ${key} and no factory on side B[0]`);
  }
}

/** A mux was asked to install a key it already routes. */
export class DuplicateKeyError extends ConduitError {
  override readonly name = 'DuplicateKeyError';
  constructor(
    readonly conduit: string,
    readonly key: string,
  ) {
    super(`mux ${conduit} already routes key ${key}`);
  }
}

/** Something the builder was asked to do does not make a graph (stacking an adaptor in the middle, ...). */
export class WiringError extends ConduitError {
  override readonly name: string = 'WiringError';
  constructor(
    readonly conduit: string,
    message: string,
  ) {
    super(`${conduit}: ${message}`);
  }
}

/** A message was used after it went back to its pool (with carrier checks on: any access to its buffer or attributes). */
export class ReleasedMessageError extends ConduitError {
  override readonly name: string = 'ReleasedMessageError';
  constructor(
    readonly generation = -1,
    message = 'message used after release',
  ) {
    super(generation < 0 ? message : `${message} (generation ${generation})`);
  }
}

/** `release()` on a message already released: a stale holder would free the carrier's next owner. */
export class DoubleReleaseError extends ReleasedMessageError {
  override readonly name = 'DoubleReleaseError';
  constructor(generation = -1) {
    super(generation, 'message released twice');
  }
}

/** Carriers a test acquired and never released (reported by the carrier checks). */
export class CarrierLeakError extends ConduitError {
  override readonly name = 'CarrierLeakError';
  constructor(readonly carriers: readonly string[]) {
    super(
      `${carriers.length} carrier(s) not released: ${carriers.slice(0, 8).join('; ')}${carriers.length > 8 ? '; ...' : ''}`,
    );
  }
}

/** A conduit requires an attribute that nothing on the way to it writes. */
export class MissingAttributeError extends WiringError {
  override readonly name = 'MissingAttributeError';
  constructor(
    conduit: string,
    readonly side: string,
    readonly attribute: string,
    readonly from: string,
  ) {
    super(
      conduit,
      `requires ${attribute} on messages arriving at side ${side}, but nothing from ${from} writes it`,
    );
  }
}

/** A peer attribute block could not be decoded. */
export class AttributeDecodeError extends ConduitError {
  override readonly name = 'AttributeDecodeError';
  constructor(readonly reason: string) {
    super(`peer attributes: ${reason}`);
  }
}
