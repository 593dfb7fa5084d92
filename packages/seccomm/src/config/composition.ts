/**
 * A SecComm composition as data (SecComm §3.3.8): which micro-protocols, with which
 * parameters — key index, order, direction (CS / SC / BOTH), mode (DATA / KEYS / BOTH),
 * distribution and creation indices.
 */
import type { MicroProtocolClass, MicroProtocolName } from './catalog.js';

export type Direction = 'CS' | 'SC' | 'BOTH';
export type Mode = 'DATA' | 'KEYS' | 'BOTH';

/** One micro-protocol as a user writes it in a configuration file. */
export interface MicroProtocolChoice {
  readonly use: string;
  readonly order?: number;
  readonly direction?: Direction;
  readonly mode?: Mode;
  /** Index in the Keys table of the secret it uses, or distributes. @default 1 */
  readonly key?: number;
  /** Key distribution: the index of the key creation micro-protocol it raises keyCreate_i on. @default its key index */
  readonly creation?: number;
  /** Mode KEYS or BOTH: the key distribution (its key index) whose messages it secures. @default every distribution */
  readonly distribution?: number;
  /** Micro-protocol specific parameters (a one-time pad's file, a KDC's address...). */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

export interface CompositionConfig {
  readonly name?: string;
  readonly keys?: {
    /** Key indices given to open() (predefined shared secrets). */
    readonly predefined?: readonly number[];
    /** Peers' public keys: given to open(), or acquired from a CA on keyMiss. @default 'predefined' */
    readonly publicKeys?: 'predefined' | 'acquire';
    /** Our own signing key is given to open(). @default false */
    readonly privateKey?: boolean;
  };
  /** A CA server for public key acquisition, "host:port". */
  readonly ca?: string;
  readonly microProtocols: readonly MicroProtocolChoice[];
}

export interface ResolvedMicroProtocol {
  readonly name: MicroProtocolName;
  readonly class: MicroProtocolClass;
  readonly order: number;
  readonly direction: Direction;
  readonly mode: Mode;
  readonly key?: number;
  readonly creation?: number;
  /** Mode KEYS or BOTH: the key distributions (key indices) whose messages it secures. */
  readonly distributions: readonly number[];
  readonly params: Readonly<Record<string, string | number | boolean>>;
  /** Set when the builder added it to satisfy another micro-protocol. */
  readonly addedBecause?: string;
}

export interface Dependency {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

export interface ResolvedComposition {
  readonly name: string;
  readonly microProtocols: readonly ResolvedMicroProtocol[];
  readonly dependencies: readonly Dependency[];
  readonly warnings: readonly string[];
}

/** A configuration that cannot work: what conflicts, and a way out. */
export class CompositionError extends Error {
  override readonly name = 'CompositionError';
  constructor(
    readonly conflict: string,
    readonly wayOut: string,
  ) {
    super(`${conflict} — way out: ${wayOut}`);
  }
}

/** Label of a resolved micro-protocol in graphs and messages. */
export function label(m: {
  readonly name: string;
  readonly key?: number | undefined;
  readonly creation?: number | undefined;
  readonly class?: string;
}): string {
  if (m.class === 'key-creation') return `${m.name}[${m.creation}]`;
  return m.key !== undefined ? `${m.name}[key ${m.key}]` : m.name;
}
