/** A security event at a leader or member: what was refused or detected, by reason. */
export interface GroupAlert {
  readonly time: number;
  /** Who saw it (the member's name, or "leader"). */
  readonly at: string;
  readonly reason: string;
  readonly detail: string;
}
