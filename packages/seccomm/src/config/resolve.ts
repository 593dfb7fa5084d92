/**
 * Checks a composition against SecComm's configuration constraints (§3.3.8, Figure 8, and the
 * rules stated in §2.2 and §3.3): adds what a choice requires (the transitive closure),
 * refuses what cannot work with a CompositionError naming the conflict and a way out, and
 * warns about weak choices.
 *
 * The rules:
 *  - digest-based authenticity needs an integrity micro-protocol to make the digest (Fig. 8);
 *  - a micro-protocol using a shared key needs it predefined or distributed (Fig. 8, dashed);
 *  - a key distribution raises keyCreate_i: it needs that key creation micro-protocol;
 *  - public-key micro-protocols need the peer's public key: predefined, or a CA to acquire it;
 *    signing needs our private key, predefined;
 *  - non-repudiation relies on authenticity by public-key signatures (§2.2);
 *  - replay prevention is useless without authenticity, privacy or keyed integrity (§2.2);
 *  - ConsistencyCheck finds tampering through the redundancy decryption exposes: it needs privacy;
 *  - one key index, one length; one distribution per key index;
 *  - replay prevention must be inside (a lower order than) something that authenticates it,
 *    or one forged sequence number locks out every later message;
 *  - non-repudiation needs its proof file;
 *  - privacy without keyed integrity or authenticity (CBC, CTR, a one-time pad, Caesar) is
 *    malleable: a loud warning.
 * Before any of it, validateConfig checks the configuration's shape: any JSON at all gives a
 * CompositionError or a composition.
 */
import {
  catalog,
  isMicroProtocol,
  type CatalogEntry,
  type MicroProtocolClass,
  type MicroProtocolName,
} from './catalog.js';
import {
  CompositionError,
  label,
  type CompositionConfig,
  type Dependency,
  type Direction,
  type Mode,
  type ResolvedComposition,
  type ResolvedMicroProtocol,
} from './composition.js';
import { validateConfig } from './validate.js';

/** Privacy that hides without detecting changes. */
const malleable = new Set<MicroProtocolName>([
  'aes-128-cbc-privacy',
  'aes-256-cbc-privacy',
  'aes-128-ctr-privacy',
  'one-time-pad-privacy',
  'caesar-privacy',
]);
/** What detects a change made by someone without the key: keyed integrity, authenticity by key or signature, AEAD privacy. */
const authenticates = (m: ResolvedMicroProtocol): boolean =>
  m.name === 'hmac-sha256-integrity' ||
  m.name === 'signature-authenticity' ||
  m.name === 'signature-digest-authenticity' ||
  m.name === 'keyed-digest-authenticity' ||
  (m.class === 'privacy' && !malleable.has(m.name));
const covers = (m: ResolvedMicroProtocol, mode: 'DATA' | 'KEYS'): boolean =>
  m.mode === 'BOTH' || m.mode === mode;

/** Where each class runs by default on the sending side (receivers run in reverse). */
const defaultOrder: Record<MicroProtocolClass, number> = {
  'non-repudiation': 5,
  'replay-prevention': 10,
  integrity: 20,
  authenticity: 30,
  privacy: 40,
  'key-distribution': 50,
  'key-creation': 60,
  'public-key-acquisition': 70,
  'security-audit': 80,
};

const entry = (n: MicroProtocolName): CatalogEntry => catalog[n];

export function resolveComposition(input: CompositionConfig): ResolvedComposition {
  const config = validateConfig(input);
  const predefined = new Set(config.keys?.predefined ?? []);
  const publicKeys = config.keys?.publicKeys ?? 'predefined';
  const warnings: string[] = [];
  const deps: Dependency[] = [];
  const chosen: ResolvedMicroProtocol[] = [];

  const add = (m: ResolvedMicroProtocol): ResolvedMicroProtocol => {
    chosen.push(m);
    return m;
  };
  const make = (
    name: MicroProtocolName,
    extra: Partial<ResolvedMicroProtocol> = {},
  ): ResolvedMicroProtocol => {
    const e = entry(name);
    const keyed = e.keyLength !== undefined || e.class === 'key-distribution';
    return {
      name,
      class: e.class,
      order: extra.order ?? defaultOrder[e.class],
      direction: extra.direction ?? 'BOTH',
      mode:
        extra.mode ??
        (e.class === 'key-distribution' || e.class === 'key-creation' ? 'KEYS' : 'DATA'),
      ...(keyed ? { key: extra.key ?? 1 } : {}),
      ...(e.class === 'key-distribution' || e.class === 'key-creation'
        ? { creation: extra.creation ?? extra.key ?? 1 }
        : {}),
      distributions: extra.distributions ?? [],
      params: extra.params ?? {},
      ...(extra.addedBecause ? { addedBecause: extra.addedBecause } : {}),
    };
  };

  // 1. The user's choices, checked one by one.
  for (const [i, c] of config.microProtocols.entries()) {
    if (!isMicroProtocol(c.use))
      throw new CompositionError(
        `micro-protocol #${i + 1} "${c.use}" is unknown`,
        `use one of: ${Object.keys(catalog).join(', ')}`,
      );
    if (c.direction !== undefined && !['CS', 'SC', 'BOTH'].includes(c.direction))
      throw new CompositionError(
        `${c.use}: direction "${c.direction}"`,
        'direction is CS, SC or BOTH',
      );
    if (c.mode !== undefined && !['DATA', 'KEYS', 'BOTH'].includes(c.mode))
      throw new CompositionError(`${c.use}: mode "${c.mode}"`, 'mode is DATA, KEYS or BOTH');
    for (const [p, v] of [
      ['key', c.key],
      ['creation', c.creation],
      ['distribution', c.distribution],
      ['order', c.order],
    ] as const) {
      if (v !== undefined && (!Number.isInteger(v) || (p !== 'order' && v < 1)))
        throw new CompositionError(
          `${c.use}: ${p} ${String(v)}`,
          `${p} is ${p === 'order' ? 'an integer' : 'a positive integer'}`,
        );
    }
    if (c.use === 'one-time-pad-privacy' && typeof c.params?.['file'] !== 'string')
      throw new CompositionError(
        'one-time-pad-privacy has no shared file',
        'give params.file, the pad both ends hold',
      );
    if (c.use === 'non-repudiation' && typeof c.params?.['file'] !== 'string')
      throw new CompositionError(
        'non-repudiation has no proof file',
        'give params.file, the append-only file the receiver keeps proofs in',
      );
    add(
      make(c.use, {
        ...(c.order !== undefined ? { order: c.order } : {}),
        ...(c.direction ? { direction: c.direction as Direction } : {}),
        ...(c.mode ? { mode: c.mode as Mode } : {}),
        ...(c.key !== undefined ? { key: c.key } : {}),
        ...(c.creation !== undefined ? { creation: c.creation } : {}),
        ...(c.distribution !== undefined ? { distributions: [c.distribution] } : {}),
        ...(c.params ? { params: c.params } : {}),
      }),
    );
  }

  const has = (
    cls: MicroProtocolClass,
    pred: (m: ResolvedMicroProtocol) => boolean = () => true,
  ): ResolvedMicroProtocol | undefined => chosen.find((m) => m.class === cls && pred(m));
  const isSignature = (m: ResolvedMicroProtocol): boolean =>
    m.name === 'signature-authenticity' || m.name === 'signature-digest-authenticity';

  // 2. The closure: add what choices require until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const m of [...chosen]) {
      const e = entry(m.name);
      const me = label(m);
      if (e.needsDigest) {
        let d = has('integrity');
        if (d === undefined) {
          d = add(
            make('sha256-digest', {
              addedBecause: `${me} authenticates a digest, and some integrity micro-protocol must make it`,
            }),
          );
          changed = true;
        }
        deps.push({ from: me, to: label(d), why: 'digest' });
      }
      if (e.keyLength !== undefined && m.key !== undefined && !predefined.has(m.key)) {
        let dist = has('key-distribution', (x) => x.key === m.key);
        if (dist === undefined) {
          dist = add(
            make('dh-key-distribution', {
              key: m.key,
              creation: m.key,
              addedBecause: `${me} needs key ${m.key}, which is not predefined`,
            }),
          );
          changed = true;
        }
        deps.push({ from: me, to: label(dist), why: `key ${m.key}` });
      }
      if (m.class === 'key-distribution') {
        const wanted: MicroProtocolName =
          m.name === 'dh-key-distribution' ? 'derived-key-creation' : 'random-key-creation';
        let cr = has('key-creation', (x) => x.creation === m.creation);
        if (cr === undefined) {
          cr = add(
            make(wanted, {
              creation: m.creation ?? 1,
              addedBecause: `${me} raises keyCreate_${m.creation}`,
            }),
          );
          changed = true;
        }
        deps.push({ from: me, to: label(cr), why: `keyCreate_${m.creation}` });
        if (m.name === 'kdc-key-distribution') {
          if (typeof m.params['kdc'] !== 'string')
            throw new CompositionError(
              `${me} has no key distribution center`,
              'give params.kdc, the KDC\'s "host:port"',
            );
          const master = m.params['masterKey'];
          if (typeof master !== 'number' || !predefined.has(master))
            throw new CompositionError(
              `${me} needs our master key shared with the KDC, predefined`,
              'give params.masterKey, a predefined key index (32 bytes) the KDC also holds',
            );
        }
      }
      if (e.publicKey && publicKeys === 'acquire') {
        let acq = has('public-key-acquisition');
        if (acq === undefined) {
          if (config.ca === undefined)
            throw new CompositionError(
              `${me} needs the peer's public key, to be acquired, but no CA is configured`,
              'give "ca": "host:port", or set keys.publicKeys to "predefined"',
            );
          acq = add(
            make('ca-public-key-acquisition', {
              params: { ca: config.ca },
              addedBecause: `${me} needs peers' public keys (keyMiss)`,
            }),
          );
          changed = true;
        }
        deps.push({ from: me, to: label(acq), why: 'keyMiss' });
      }
      if (e.privateKey && config.keys?.privateKey !== true)
        throw new CompositionError(
          `${me} signs with our private key, which is not given`,
          'set keys.privateKey: true and pass the key to open()',
        );
      if (m.class === 'non-repudiation') {
        let sig = has('authenticity', isSignature);
        if (sig === undefined) {
          sig = add(
            make('signature-authenticity', {
              addedBecause:
                'non-repudiation relies on authenticity by public-key signatures (§2.2)',
            }),
          );
          changed = true;
        }
        deps.push({ from: me, to: label(sig), why: 'signatures' });
      }
    }
  }

  // 3. What cannot work.
  if (
    has('replay-prevention') !== undefined &&
    has('authenticity') === undefined &&
    has('privacy') === undefined &&
    has('integrity', (m) => entry(m.name).keyLength !== undefined) === undefined
  ) {
    throw new CompositionError(
      'replay prevention alone: anyone could forge a fresh message with a valid timestamp or sequence number',
      'add authenticity, privacy or a keyed integrity micro-protocol',
    );
  }
  for (const r of chosen.filter((x) => x.class === 'replay-prevention')) {
    for (const mode of ['DATA', 'KEYS'] as const) {
      if (!covers(r, mode)) continue;
      // What could protect it in this mode; refused when all of it is inside (sent before) the replay prevention.
      const guards = chosen.filter(
        (x) =>
          covers(x, mode) &&
          (authenticates(x) || x.class === 'privacy' || x.class === 'authenticity'),
      );
      if (guards.length > 0 && guards.every((x) => x.order < r.order)) {
        throw new CompositionError(
          `${label(r)} (order ${r.order}) is outside ${guards.map((x) => `${label(x)} (order ${x.order})`).join(', ')} in mode ${mode}: its sequence numbers or timestamps are not authenticated, and one forged value locks out later messages`,
          `give ${label(r)} a lower order than what authenticates it (the default, 10, is inside everything)`,
        );
      }
    }
  }
  const cc = has('authenticity', (m) => m.name === 'consistency-check');
  if (cc !== undefined && has('privacy') === undefined)
    throw new CompositionError(
      'consistency-check finds tampering through the redundancy decryption exposes, and nothing is encrypted',
      'add a privacy micro-protocol',
    );
  const lengths = new Map<number, [number, string]>();
  for (const m of chosen) {
    const len = entry(m.name).keyLength;
    if (len === undefined || m.key === undefined) continue;
    const seen = lengths.get(m.key);
    if (seen !== undefined && seen[0] !== len)
      throw new CompositionError(
        `key ${m.key} is used with ${seen[0]} bytes by ${seen[1]} and ${len} bytes by ${label(m)}`,
        'give them different key indices',
      );
    lengths.set(m.key, [len, label(m)]);
  }
  const distributed = new Map<number, string>();
  for (const m of chosen.filter((x) => x.class === 'key-distribution')) {
    if (m.key === undefined) continue;
    const other = distributed.get(m.key);
    if (other !== undefined)
      throw new CompositionError(
        `key ${m.key} is distributed by both ${other} and ${label(m)}`,
        'one distribution per key index',
      );
    distributed.set(m.key, label(m));
    if (predefined.has(m.key))
      warnings.push(
        `key ${m.key} is predefined and also distributed by ${label(m)}: the distributed key replaces it`,
      );
  }

  // Mode KEYS / BOTH: which distributions each secures, and with keys that exist by then.
  const allDistributed = chosen
    .filter((x) => x.class === 'key-distribution')
    .map((x) => x.key as number)
    .sort((a, b) => a - b);
  for (const [i, m] of chosen.entries()) {
    if (m.mode === 'DATA' || m.class === 'key-distribution' || m.class === 'key-creation') continue;
    const secured = m.distributions.length > 0 ? m.distributions : allDistributed;
    if (secured.length === 0)
      throw new CompositionError(
        `${label(m)} is in mode ${m.mode} but no key is distributed`,
        'use mode DATA, or add a key distribution micro-protocol',
      );
    for (const d of secured) {
      if (!allDistributed.includes(d))
        throw new CompositionError(
          `${label(m)} secures distribution ${d}, and no micro-protocol distributes key ${d}`,
          `secure one of: ${allDistributed.join(', ') || 'none'}`,
        );
      if (
        m.key !== undefined &&
        entry(m.name).keyLength !== undefined &&
        !predefined.has(m.key) &&
        m.key >= d
      ) {
        throw new CompositionError(
          `${label(m)} secures the distribution of key ${d} with key ${m.key}, which does not exist yet then (keys are distributed in index order)`,
          `use a predefined key or one distributed before key ${d}`,
        );
      }
    }
    chosen[i] = { ...m, distributions: secured };
  }
  for (const d of chosen.filter((x) => x.class === 'key-distribution')) {
    const guards = chosen.filter(
      (x) => x.mode !== 'DATA' && x.distributions.includes(d.key as number),
    );
    if (
      (d.name === 'client-key-distribution' || d.name === 'server-key-distribution') &&
      !guards.some((x) => x.class === 'privacy')
    ) {
      warnings.push(
        `${label(d)} sends the key itself and no privacy micro-protocol in mode KEYS encrypts it: anyone on the path learns it`,
      );
    }
    if (
      d.name === 'dh-key-distribution' &&
      !guards.some(
        (x) =>
          x.class === 'authenticity' ||
          (x.class === 'integrity' && entry(x.name).keyLength !== undefined) ||
          (x.class === 'privacy' && entry(x.name).keyLength !== undefined),
      )
    ) {
      warnings.push(
        `${label(d)} is unauthenticated Diffie-Hellman: a man in the middle can sit between the ends; secure it with authenticity or a keyed micro-protocol in mode KEYS`,
      );
    }
  }

  // 4. Weak choices.
  for (const m of chosen) {
    const w = entry(m.name).weak;
    if (w !== undefined) warnings.push(`${label(m)}: ${w}`);
  }
  for (const p of chosen.filter((x) => malleable.has(x.name) && covers(x, 'DATA'))) {
    if (chosen.some((x) => x !== p && covers(x, 'DATA') && authenticates(x))) continue;
    warnings.push(
      `MALLEABLE: ${label(p)} encrypts without integrity: anyone on the path can change the plaintext (flip bits, rewrite a message they can guess) and the receiver cannot tell; add hmac-sha256-integrity or an authenticity micro-protocol, or use an AEAD (aes-*-gcm, chacha20-poly1305)`,
    );
  }
  const digestProtected =
    has('privacy') !== undefined ||
    has('authenticity', (m) => entry(m.name).needsDigest === true) !== undefined;
  for (const m of chosen.filter((x) => entry(x.name).plainDigest && !digestProtected)) {
    warnings.push(
      `${label(m)} is an unprotected plain digest: anyone who changes the message can recompute it (§2.2); add privacy or digest authenticity`,
    );
  }
  const seen = new Set<string>();
  for (const m of chosen) {
    const k = `${m.name}/${m.key ?? ''}/${m.creation ?? ''}`;
    if (seen.has(k)) warnings.push(`${label(m)} appears twice with the same parameters`);
    seen.add(k);
  }

  const microProtocols = [...chosen].sort(
    (a, b) => a.order - b.order || a.name.localeCompare(b.name),
  );
  return {
    name: config.name ?? 'composition',
    microProtocols,
    dependencies: dedupe(deps),
    warnings,
  };
}

function dedupe(deps: Dependency[]): Dependency[] {
  const s = new Set<string>();
  return deps.filter((d) => {
    const k = `${d.from}>${d.to}>${d.why}`;
    if (s.has(k)) return false;
    s.add(k);
    return true;
  });
}
