/** Typed errors of the group layer. Messages never carry key bytes. */
export class GroupError extends Error {
  override readonly name: string = 'GroupError';
}

/** The configuration cannot work (an unknown preset, a tree too small...). */
export class GroupConfigError extends GroupError {
  override readonly name = 'GroupConfigError';
}

/** An operation on a member or leader that is not (or no longer) in a state to do it. */
export class GroupStateError extends GroupError {
  override readonly name = 'GroupStateError';
}
