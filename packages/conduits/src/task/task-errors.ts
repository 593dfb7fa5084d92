/** Typed errors of tasks and their host. */
import { ConduitError } from '../errors.js';

/** Why an exchange failed. Tasks subclass it (or use TaskRejectedError) for their own reasons. */
export class TaskError extends ConduitError {
  override readonly name: string = 'TaskError';
  constructor(
    /** The task's kind (its name), e.g. `dh-key-distribution`. */
    readonly task: string,
    message: string,
  ) {
    super(`${task}: ${message}`);
  }
}

/** The peer never answered: every retransmission went out and the last timeout passed. */
export class RetransmitLimitError extends TaskError {
  override readonly name = 'RetransmitLimitError';
  constructor(
    task: string,
    /** How many times the last message was sent. */
    readonly tries: number,
    /** The exchange that failed. */
    readonly exchange: number,
  ) {
    super(task, `no answer after ${tries} transmissions (exchange ${exchange})`);
  }
}

/** A task decided the exchange cannot succeed (a failed check, a missing key...). */
export class TaskRejectedError extends TaskError {
  override readonly name = 'TaskRejectedError';
  constructor(
    task: string,
    /** A short, stable reason, e.g. `kdc-reply-invalid`. */
    readonly reason: string,
  ) {
    super(task, reason);
  }
}

/** The host was closed: nothing more is started on it. */
export class TaskHostClosedError extends ConduitError {
  override readonly name = 'TaskHostClosedError';
  constructor(readonly host: string) {
    super(`task host ${host} is closed`);
  }
}

/** A retransmission policy with a value that would never end or never wait (NaN, 0 tries, ...). */
export class RetransmitPolicyError extends ConduitError {
  override readonly name = 'RetransmitPolicyError';
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(`retransmission ${field} must be a finite positive number, not ${String(value)}`);
  }
}
