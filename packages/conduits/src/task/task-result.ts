/**
 * What a task's `build` and `process` return (strongSwan's SUCCESS / NEED_MORE / FAILED, plus
 * the two answers a message-level check gives in charon before a task sees the message).
 *
 * - `done`: the exchange is over on this side.
 * - `needMore`: from `process`, "I have something to say": the host calls `build` next; from
 *   `build`, "send this and wait for the peer".
 * - `waiting`: taken, nothing to send yet; keep waiting (a round that needs several messages).
 * - `failed`: the exchange is over and did not succeed; `error` says why.
 * - `refused`: this message is not acceptable (not authentic, not for this exchange); the
 *   exchange goes on as if it never came.
 * - `later`: it belongs to a later round; the host holds it and offers it again after the
 *   next round.
 *
 * The results without data are constants, so returning them allocates nothing.
 */
import type { TaskError } from './task-errors.js';

export interface TaskDone {
  readonly kind: 'done';
}
export interface TaskNeedMore {
  readonly kind: 'needMore';
}
export interface TaskWaiting {
  readonly kind: 'waiting';
}
export interface TaskFailed {
  readonly kind: 'failed';
  readonly error: TaskError;
}
export interface TaskRefused {
  readonly kind: 'refused';
  /** A short, stable reason (counted and reported by the owner, e.g. `key-confirm-failed`). */
  readonly reason: string;
}
export interface TaskLater {
  readonly kind: 'later';
}

/** What `build` may return. */
export type BuildResult = TaskDone | TaskNeedMore | TaskWaiting | TaskFailed;
/** What `process` may return. */
export type ProcessResult = BuildResult | TaskRefused | TaskLater;
export type TaskResult = ProcessResult;

export const done: TaskDone = Object.freeze({ kind: 'done' });
export const needMore: TaskNeedMore = Object.freeze({ kind: 'needMore' });
export const waiting: TaskWaiting = Object.freeze({ kind: 'waiting' });
export const later: TaskLater = Object.freeze({ kind: 'later' });

export function failed(error: TaskError): TaskFailed {
  return { kind: 'failed', error };
}

const refusals = new Map<string, TaskRefused>();
/** A refusal; one object per reason, made once. */
export function refused(reason: string): TaskRefused {
  let r = refusals.get(reason);
  if (r === undefined) refusals.set(reason, (r = Object.freeze({ kind: 'refused', reason })));
  return r;
}
