/**
 * The leader's relay as a conduit: a Mux whose side A fans out. A message arriving at side A
 * goes out through every side B[i] (one member link each) except the one named by `exclude`
 * (its sender: no frame is reflected to whoever sent it); each copy is given to `retag` first,
 * so the leader can tag it for that member's link. A message from a side B[i] goes up through
 * side A stamped with that member's id, as a Mux does.
 *
 * Copies come from the graph's message pool, so a steady relay allocates only what `retag`
 * allocates.
 */
import {
  attribute,
  defaultPool,
  Mux,
  type Accessor,
  type Conduit,
  type Message,
  type MessagePool,
  type Port,
} from '@conduits/core';

/** The member a frame came from (set going up, read going down to skip that member's link). */
export const memberAttr = attribute<number>('group.member', 'local');

const accessor: Accessor<number> = {
  name: 'group-member',
  key: (msg) => msg.get(memberAttr),
  stamp: (msg, key) => void msg.set(memberAttr, key),
  format: (key) => `member ${key}`,
};

/** Called on each copy before it leaves through member `member`'s link. Returns false to drop that copy. */
export type Retag = (copy: Message, member: number) => boolean;

export class FanOut extends Mux<number> {
  /** Copies sent, and copies `retag` dropped. */
  readonly stats = { copies: 0, dropped: 0 };

  constructor(
    name: string,
    readonly retag: Retag = () => true,
    readonly pool: MessagePool = defaultPool,
  ) {
    super(name, accessor);
  }

  override clone(): Conduit {
    return new FanOut(this.name, this.retag, this.pool);
  }

  override route(msg: Message, from: Port): void {
    if (from !== this.a) return super.route(msg, from);
    const exclude = msg.get(memberAttr);
    const src = msg.buffer.subarray();
    for (const member of this.keys()) {
      if (member === exclude) continue;
      const port = this.portFor(member);
      if (port === undefined) continue;
      const copy = this.pool.from(src);
      copy.set(memberAttr, member);
      if (!this.retag(copy, member)) {
        this.stats.dropped++;
        copy.release();
        continue;
      }
      this.stats.copies++;
      this.sendVia(port, copy);
    }
    msg.release();
  }
}
