/**
 * The shape of a composition as data, checked before anything else reads it: a configuration
 * comes from a file or from the peer (live recomposition), so it may be any JSON at all. Every
 * field is known and of its type, every parameter is one its micro-protocol takes, in range;
 * anything else is a CompositionError naming the field — never a TypeError, never a default
 * silently standing in for a typo ("directon", "kye").
 */
import { catalog, isMicroProtocol, type MicroProtocolName } from './catalog.js';
import { CompositionError, type CompositionConfig } from './composition.js';

type Param =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'number'; readonly min: number; readonly max: number }
  | { readonly kind: 'string'; readonly pattern?: RegExp; readonly oneOf?: readonly string[] };

const timeout: Param = { kind: 'integer', min: 1, max: 60_000 };
const tries: Param = { kind: 'integer', min: 1, max: 20 };
const nonceLimit: Param = { kind: 'integer', min: 1, max: Number.MAX_SAFE_INTEGER };
const file: Param = { kind: 'string', pattern: /./ };
const distribution = { timeout, tries };

/** The parameters each micro-protocol takes (ms for times). */
const parameters: Record<MicroProtocolName, Readonly<Record<string, Param>>> = {
  'aes-128-cbc-privacy': {},
  'aes-256-cbc-privacy': {},
  'aes-128-ctr-privacy': {},
  'aes-128-gcm-privacy': { nonceLimit },
  'aes-256-gcm-privacy': { nonceLimit },
  'chacha20-poly1305-privacy': { nonceLimit },
  'public-key-privacy': {},
  'one-time-pad-privacy': { file, offsets: file },
  'caesar-privacy': {},
  'sha256-digest': {},
  'sha512-digest': {},
  'sha1-digest': {},
  'md5-digest': {},
  'hmac-sha256-integrity': {},
  'signature-authenticity': {
    algorithm: { kind: 'string', oneOf: ['ed25519', 'ecdsa-p256-sha256'] },
  },
  'signature-digest-authenticity': {
    algorithm: { kind: 'string', oneOf: ['ed25519', 'ecdsa-p256-sha256'] },
  },
  'keyed-digest-authenticity': { nonceLimit },
  'consistency-check': {},
  'timestamp-replay-prevention': { skew: { kind: 'number', min: 1, max: 86_400_000 } },
  'sequence-replay-prevention': {},
  'non-repudiation': { file },
  'random-key-creation': { seed: { kind: 'string', pattern: /^(?:[0-9a-fA-F]{2}){16,}$/ } },
  'derived-key-creation': {},
  'client-key-distribution': distribution,
  'server-key-distribution': distribution,
  'dh-key-distribution': distribution,
  'kdc-key-distribution': {
    ...distribution,
    kdc: file,
    masterKey: { kind: 'integer', min: 1, max: 255 },
  },
  'ca-public-key-acquisition': { ca: file },
  'security-audit': {},
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function only(where: string, o: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      throw new CompositionError(
        `${where}: unknown field "${k}"`,
        `the fields are: ${allowed.join(', ')}`,
      );
}

const positiveInteger = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 255;

function param(use: MicroProtocolName, name: string, v: unknown): void {
  const p = parameters[use][name];
  if (p === undefined) {
    const known = Object.keys(parameters[use]);
    throw new CompositionError(
      `${use}: unknown parameter "${name}"`,
      known.length ? `its parameters are: ${known.join(', ')}` : `${use} takes no parameters`,
    );
  }
  if (p.kind === 'string') {
    if (
      typeof v !== 'string' ||
      (p.pattern && !p.pattern.test(v)) ||
      (p.oneOf && !p.oneOf.includes(v))
    )
      throw new CompositionError(
        `${use}: params.${name} ${JSON.stringify(v)}`,
        p.oneOf
          ? `params.${name} is one of ${p.oneOf.join(', ')}`
          : `params.${name} is a${p.pattern ? ' well-formed' : ''} string`,
      );
    return;
  }
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    v >= p.min &&
    v <= p.max &&
    (p.kind === 'number' || Number.isInteger(v));
  if (!ok)
    throw new CompositionError(
      `${use}: params.${name} ${JSON.stringify(v)}`,
      `params.${name} is ${p.kind === 'integer' ? 'an integer' : 'a number'} from ${p.min} to ${p.max}`,
    );
}

/** `input` as a CompositionConfig, or a CompositionError saying what is wrong with it. */
export function validateConfig(input: unknown): CompositionConfig {
  if (!isObject(input))
    throw new CompositionError(
      `a composition is a JSON object, not ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}`,
      'write { "microProtocols": [ ... ] }',
    );
  only('the composition', input, ['name', 'keys', 'ca', 'microProtocols']);
  if (input['name'] !== undefined && typeof input['name'] !== 'string')
    throw new CompositionError(
      'name is not a string',
      'give the composition a string name, or none',
    );
  if (input['ca'] !== undefined && typeof input['ca'] !== 'string')
    throw new CompositionError('ca is not a string', 'give "ca": "host:port"');
  const keys = input['keys'];
  if (keys !== undefined) {
    if (!isObject(keys))
      throw new CompositionError(
        'keys is not an object',
        'write "keys": { "predefined": [1], "privateKey": true, "publicKeys": "predefined" }',
      );
    only('keys', keys, ['predefined', 'publicKeys', 'privateKey']);
    const pre = keys['predefined'];
    if (pre !== undefined && (!Array.isArray(pre) || !pre.every(positiveInteger)))
      throw new CompositionError(
        `keys.predefined ${JSON.stringify(pre)}`,
        'keys.predefined is a list of key indices (integers from 1 to 255)',
      );
    if (
      keys['publicKeys'] !== undefined &&
      keys['publicKeys'] !== 'predefined' &&
      keys['publicKeys'] !== 'acquire'
    )
      throw new CompositionError(
        `keys.publicKeys ${JSON.stringify(keys['publicKeys'])}`,
        'keys.publicKeys is "predefined" or "acquire"',
      );
    if (keys['privateKey'] !== undefined && typeof keys['privateKey'] !== 'boolean')
      throw new CompositionError(
        `keys.privateKey ${JSON.stringify(keys['privateKey'])}`,
        'keys.privateKey is true or false',
      );
  }
  const ms = input['microProtocols'];
  if (!Array.isArray(ms))
    throw new CompositionError(
      'microProtocols is not a list',
      'write "microProtocols": [ { "use": "aes-128-gcm-privacy" }, ... ]',
    );
  for (const [i, c] of ms.entries()) {
    const where = `micro-protocol #${i + 1}`;
    if (!isObject(c))
      throw new CompositionError(
        `${where} is not an object`,
        'each micro-protocol is { "use": NAME, ... }',
      );
    only(where, c, [
      'use',
      'order',
      'direction',
      'mode',
      'key',
      'creation',
      'distribution',
      'params',
    ]);
    const use = c['use'];
    if (typeof use !== 'string' || !isMicroProtocol(use))
      throw new CompositionError(
        `${where} "${String(use)}" is unknown`,
        `use one of: ${Object.keys(catalog).join(', ')}`,
      );
    if (c['direction'] !== undefined && !['CS', 'SC', 'BOTH'].includes(c['direction'] as string))
      throw new CompositionError(
        `${use}: direction ${JSON.stringify(c['direction'])}`,
        'direction is CS, SC or BOTH',
      );
    if (c['mode'] !== undefined && !['DATA', 'KEYS', 'BOTH'].includes(c['mode'] as string))
      throw new CompositionError(
        `${use}: mode ${JSON.stringify(c['mode'])}`,
        'mode is DATA, KEYS or BOTH',
      );
    for (const p of ['key', 'creation', 'distribution'] as const) {
      if (c[p] !== undefined && !positiveInteger(c[p]))
        throw new CompositionError(
          `${use}: ${p} ${JSON.stringify(c[p])}`,
          `${p} is a positive integer (at most 255)`,
        );
    }
    const order = c['order'];
    if (
      order !== undefined &&
      !(typeof order === 'number' && Number.isInteger(order) && Math.abs(order) < 1_000_000)
    )
      throw new CompositionError(
        `${use}: order ${JSON.stringify(order)}`,
        'order is an integer (between -999999 and 999999)',
      );
    const params = c['params'];
    if (params !== undefined) {
      if (!isObject(params))
        throw new CompositionError(
          `${use}: params is not an object`,
          'write "params": { "name": value }',
        );
      for (const [k, v] of Object.entries(params)) param(use, k, v);
    }
  }
  return input as unknown as CompositionConfig;
}
