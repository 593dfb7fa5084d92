/** What an exchange task may use of its ISAKMP SA: identities, cookies, the Cipher, encoders. */
import type { CryptoEngine } from '@conduits/crypto';
import type { Ipv6Address } from '@conduits/protocols-inet';
import type { IsakmpCipher } from '../cipher/isakmp-cipher.js';
import type { Payload } from '../codec/payloads.js';
import type { PeerRuntime } from '../policy/peer-runtime.js';
import type { Outbound } from './messages.js';

export interface SaContext {
  readonly engine: CryptoEngine;
  readonly role: 'initiator' | 'responder';
  readonly ckyI: Uint8Array;
  ckyR: Uint8Array;
  readonly local: Ipv6Address;
  readonly peerAddress: Ipv6Address;
  readonly peer: PeerRuntime;
  cipher: IsakmpCipher | null;
  /** tshark `ikev1_decryption_table` lines, when the user asked for them. */
  readonly keyLog: ((line: string) => void) | undefined;
  /** We offer and accept NAT traversal (RFC 3947). */
  readonly natTraversal: boolean;
  /** Both ends speak NAT-T. */
  peerNatT: boolean;
  /** The exchange has moved to port 4500 (non-ESP marker): from Main Mode message 5 on, and every ESP SA is UDP-encapsulated. */
  floated: boolean;
  /** Fill `out` with a plaintext message. */
  plain(out: Outbound, exchangeType: number, messageId: number, payloads: readonly Payload[]): void;
  /** Fill `out` with a message whose payloads the Cipher encrypts (E flag). */
  encrypted(
    out: Outbound,
    exchangeType: number,
    messageId: number,
    payloads: readonly Payload[],
  ): void;
}
