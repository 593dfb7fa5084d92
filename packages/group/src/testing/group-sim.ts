/**
 * A whole group on the simulator: a leader and n members on a StarNet, one virtual clock,
 * seeded (a run replays exactly from its seed, except for the keys, which come from the crypto
 * engine). Used by the tests, the attack scripts, the bench and `conduits group run`.
 */
import { Scheduler } from '@conduits/core';
import {
  nobleEngine,
  type CryptoEngine,
  type ScryptParams,
  type SigningKey,
} from '@conduits/crypto';
import {
  passwordKey,
  testScrypt,
  type MemberCredential,
  type RegisteredMember,
} from '../auth/credentials.js';
import { Leader, type LeaderOptions } from '../node/leader.js';
import { Member } from '../node/member.js';
import { preset, type GroupPolicy, type PresetName } from '../preset.js';
import { StarNet, type NetOptions } from '../sim/star-net.js';

export interface GroupSimOptions {
  readonly members: number;
  readonly preset?: PresetName | GroupPolicy;
  readonly seed?: number;
  readonly auth?: 'ed25519' | 'password';
  readonly engine?: CryptoEngine;
  readonly net?: NetOptions;
  readonly scrypt?: ScryptParams;
  /** Start joining at once (one member every `spacing` ms). @default true */
  readonly join?: boolean;
  readonly spacing?: number;
  readonly leader?: Partial<Omit<LeaderOptions, 'engine' | 'registry'>>;
  readonly heartbeat?: number;
  readonly deadAfter?: number;
  readonly compromise?: (name: string, pairKey: Uint8Array) => void;
  /** A later session of the same leader with the same registered members (credentials, leader identity). */
  readonly sessionAfter?: GroupSim;
}

const te = new TextEncoder();

export class GroupSim {
  readonly scheduler = new Scheduler();
  readonly net: StarNet;
  readonly leader: Leader;
  readonly members: Member[] = [];
  readonly policy: GroupPolicy;
  readonly engine: CryptoEngine;
  readonly warnings: string[] = [];
  readonly #credentials = new Map<string, MemberCredential>();
  readonly #registry = new Map<string, RegisteredMember>();
  readonly #options: GroupSimOptions;
  readonly #identity: SigningKey;

  constructor(options: GroupSimOptions) {
    this.#options = options;
    this.engine = options.engine ?? nobleEngine;
    this.policy =
      typeof options.preset === 'string' || options.preset === undefined
        ? preset(options.preset ?? 'repaired')
        : options.preset;
    this.net = new StarNet(this.scheduler, { seed: options.seed ?? 1, ...options.net });
    const before = options.sessionAfter;
    this.#identity = before !== undefined ? before.#identity : this.engine.signingKey('ed25519');
    if (before !== undefined) {
      for (const [k, v] of before.#credentials) this.#credentials.set(k, v);
      for (const [k, v] of before.#registry) this.#registry.set(k, v);
    } else for (let i = 1; i <= options.members; i++) this.register(`m${i}`);
    this.leader = new Leader(this.scheduler, this.net, {
      engine: this.engine,
      registry: this.#registry,
      identity: this.#identity,
      policy: this.policy,
      heartbeat: options.heartbeat,
      deadAfter: options.deadAfter,
      warn: (t) => this.warnings.push(t),
      ...options.leader,
    });
    for (let i = 1; i <= options.members; i++) this.members.push(this.member(`m${i}`));
    if (options.join ?? true)
      this.members.forEach((m, i) =>
        this.scheduler.after(i * (options.spacing ?? 1), () => m.join()),
      );
  }

  /** Register a name with the leader (an Ed25519 key, or a password through scrypt). */
  register(name: string, password = `pw-${name}`): void {
    if (this.#options.auth === 'password') {
      const pa = passwordKey(
        this.engine,
        password,
        'sim',
        name,
        this.#options.scrypt ?? testScrypt,
      );
      this.#credentials.set(name, { kind: 'password', passwordKey: pa });
      this.#registry.set(name, { kind: 'password', passwordKey: Uint8Array.from(pa) });
    } else {
      const key = this.engine.signingKey('ed25519');
      this.#credentials.set(name, { kind: 'ed25519', key });
      this.#registry.set(name, { kind: 'ed25519', publicKey: key.publicKey });
    }
  }

  /** A member object for a registered name (a new one each call: a new process, same credentials). */
  member(name: string, credential?: MemberCredential): Member {
    const c = credential ?? this.#credentials.get(name);
    if (c === undefined) throw new RangeError(`unregistered ${name}`);
    return new Member(this.scheduler, this.net, this.leader.endpoint, {
      name,
      credential: c,
      leaderPublicKey: this.#identity.publicKey,
      leaderName: this.leader.name,
      policy: this.policy,
      engine: this.engine,
      heartbeat: this.#options.heartbeat,
      deadAfter: this.#options.deadAfter,
      compromise:
        this.#options.compromise === undefined
          ? undefined
          : (k) => this.#options.compromise?.(name, k),
    });
  }

  byName(name: string): Member {
    const m = this.members.find((x) => x.name === name);
    if (m === undefined) throw new RangeError(name);
    return m;
  }

  /** Run the clock `ms` further. */
  run(ms: number): this {
    this.scheduler.run(this.scheduler.now() + ms);
    return this;
  }

  /** Send text from a member and run until it has arrived. */
  say(from: Member, text: string, ms = 50): this {
    from.send(te.encode(text));
    return this.run(ms);
  }

  close(): void {
    for (const m of this.members) m.close();
    this.leader.close();
  }
}
