/**
 * What micro-protocols share in a SecComm connection (§3.2): the Keys table, the engine, the
 * role, and a way to report security alerts. Micro-protocols get it as the composite's
 * shared data; they never hold each other.
 */
import { attribute, sharedKey, type CompositeProtocol, type Message } from '@conduits/core';
import type { CryptoEngine } from '@conduits/crypto';
import { securityAlert } from './events.js';
import { KeyTable } from './key-table.js';

export interface ConnectionSettings {
  readonly engine: CryptoEngine;
  readonly role: 'client' | 'server';
  /** Clock for timestamps, ms. */
  readonly now: () => number;
  /** The live connection's generation this composite is (0 when not live): part of every frame's associated data. */
  readonly generation?: number;
}

/** Participants (§3.2): who we are and who the peer is. */
export interface ParticipantIds {
  readonly self: string;
  readonly peer: string;
}

export const Participants = sharedKey<ParticipantIds>('Participants', () => ({
  self: 'self',
  peer: 'peer',
}));
/** Known public keys by principal (§3.2 PublicKeys). */
export const PublicKeys = sharedKey<Map<string, Uint8Array>>('PublicKeys', () => new Map());
/** Known X25519 public keys by principal, for public-key privacy (sealing to the receiver). */
export const AgreementKeys = sharedKey<Map<string, Uint8Array>>('AgreementKeys', () => new Map());
/** Our own X25519 private key, when given to open(). */
export const AgreementPrivateKey = sharedKey<Uint8Array | null>('AgreementPrivateKey', () => null);
/** Our own signing key's private bytes, when given to open(). */
export const PrivateKey = sharedKey<Uint8Array | null>('PrivateKey', () => null);

/** Keys: shared secrets by index and epoch, as bytes until a micro-protocol turns them into key objects. */
export const Keys = sharedKey<KeyTable>('Keys', () => new KeyTable());
/** The key epoch a message is protected under: set from the frame on receipt, from the Keys table on sending. */
export const KeyEpoch = attribute<number>('seccomm.epoch', 'local');

/** The epoch to protect or check `msg` under. */
export function epochOf(c: CompositeProtocol, msg: Message): number {
  return msg.get(KeyEpoch) ?? c.shared.get(Keys).epoch;
}
export const Settings = sharedKey<ConnectionSettings | null>('Settings', () => null);

/** Raise securityAlert in the connection (SecurityAudit records it) and on the graph's alert stream. */
export function raiseAlert(c: CompositeProtocol, by: string, reason: string): void {
  c.runtime.raise(securityAlert, { by, reason, time: c.graph.scheduler.now() });
  c.alert(reason);
}

/** Raise securityAlert, count the drop, and release the message: the caller then stops the event. */
export function reject(c: CompositeProtocol, by: string, msg: Message, reason: string): void {
  raiseAlert(c, by, reason);
  c.drop(msg, reason);
}

export function settings(c: CompositeProtocol): ConnectionSettings {
  const s = c.shared.get(Settings);
  if (s === null) throw new Error('SecComm connection without settings');
  return s;
}
