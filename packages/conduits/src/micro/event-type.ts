/**
 * A named event of the Cactus runtime (§2.3). `order` says how handlers run: `ascending`
 * for senders, `descending` for receivers, so that non-commuting transforms (encrypt, then
 * MAC) are undone in reverse (check the MAC, then decrypt) with one order number each.
 */
export class EventType<A> {
  /** Phantom field carrying the argument type; never set. */
  declare readonly __args?: A;
  constructor(
    readonly name: string,
    readonly order: 'ascending' | 'descending' = 'ascending',
  ) {}

  toString(): string {
    return this.name;
  }
}

export function defineEvent<A>(
  name: string,
  order: 'ascending' | 'descending' = 'ascending',
): EventType<A> {
  return new EventType<A>(name, order);
}
