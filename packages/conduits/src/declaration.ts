import type { AttrKey } from './attributes.js';

/**
 * What a conduit does with the attributes of the messages that come in through one side
 * (JGroups' required services, Appia's accepted and provided events): the builder checks
 * that what a conduit `requires` is written by something on the way to it, and a fast path
 * that stands in for conduits reads from their declarations what it must do in their place.
 */
export interface AttributeUse {
  /** Read when present. */
  readonly reads?: readonly AttrKey<unknown>[];
  /** Set on the messages passed on. */
  readonly writes?: readonly AttrKey<unknown>[];
  /** Needed: a conduit on the way here must write it (`GraphBuilder.build` checks, or throws `MissingAttributeError`). */
  readonly requires?: readonly AttrKey<unknown>[];
}

/**
 * A conduit's declaration. Sessions take it from their current state (`State.declares`), so
 * a session switched to another state declares what that state does; muxes from their
 * accessor; adaptors declare what they put on the messages they inject (`fromOutside`).
 */
export interface Declaration {
  /** What the conduit does, named for fast paths that stand in for it (e.g. `inet.udp`). */
  readonly role?: string;
  readonly fromA?: AttributeUse;
  readonly fromB?: AttributeUse;
  /** An adaptor's messages entering the graph. */
  readonly fromOutside?: AttributeUse;
}
