import type { ControlMessage } from '../control/control-message.js';

/** A control message as a task sees it: decoded, and its sealed body already opened (and so authenticated) by the node. */
export interface Inbound {
  readonly msg: ControlMessage;
  /** The opened body (sealed messages) or the clear body. */
  readonly plain: Uint8Array;
}
