/**
 * A SecComm client and server on the network simulator, provisioned with everything their
 * composition needs: predefined shared keys, signing and X25519 key pairs, a CA that certified
 * both (when public keys are to be acquired), a KDC holding both master keys (for
 * kdc-key-distribution). Hosts hang off a switch; the client's link carries the adversary and
 * the capture, so an attack touches only client ↔ server traffic.
 *
 * Used by the tests, `pnpm conduits seccomm run` and the benchmarks.
 */
import { SeededRandom } from '@conduits/core';
import { engines, type CryptoEngine } from '@conduits/crypto';
import type { Adversary } from '@conduits/netsim';
import { Network, Switch, type Link, type LinkParams } from '@conduits/netsim';
import { parseIpv6, type Host } from '@conduits/protocols-inet';
import { catalog, type CatalogEntry } from '../config/catalog.js';
import type { ResolvedComposition } from '../config/composition.js';
import type { Strength } from '../config/strength.js';
import { CertificateAuthority } from '../ca/certificate-authority.js';
import { SecureChannel } from '../channel/secure-channel.js';
import { KeyDistributionCenter } from '../kdc/key-distribution-center.js';
import {
  parseServiceAddress,
  serveUdp,
  serviceAddress,
  UdpServiceClient,
} from '../services/udp-service.js';

export interface SimulatedPairOptions {
  readonly seed: number;
  readonly engine?: CryptoEngine;
  /** The client's link (the one the adversary sits on). */
  readonly link?: LinkParams;
  readonly adversary?: Adversary;
  /** Predefined shared keys; missing ones are made from the seed-independent CSPRNG. */
  readonly keys?: ReadonlyMap<number, Uint8Array>;
  /** Open the channels with `live: true` (recompose() allowed). */
  readonly live?: boolean;
  /** The server's recomposition policy (with `live`). */
  readonly serverPolicy?: (composition: ResolvedComposition) => string | null;
  /** The server's recomposition floor (with `live`). */
  readonly serverFloor?: Partial<Strength>;
}

export interface SimulatedPair {
  readonly network: Network;
  readonly client: SecureChannel;
  readonly server: SecureChannel;
  readonly clientHost: Host;
  readonly serverHost: Host;
  /** The client ↔ switch link: adversary, capture, loss. */
  readonly clientLink: Link;
  readonly ca: CertificateAuthority | null;
  readonly kdc: KeyDistributionCenter | null;
  /** The keys each end was given (for tests that check them). */
  readonly predefined: ReadonlyMap<number, Uint8Array>;
  /** Each end's public keys (what an attacker may know too). */
  readonly publicKeys: Record<
    'client' | 'server',
    { readonly signing: Uint8Array; readonly agreement: Uint8Array }
  >;
}

const CLIENT = '2001:db8::c';
const SERVER = '2001:db8::5';
const SERVICES = '2001:db8::ca';
const PORT = 4000;

export function simulatedPair(
  composition: ResolvedComposition,
  options: SimulatedPairOptions,
): SimulatedPair {
  const engine = options.engine ?? engines.noble;
  const network = new Network(options.seed);
  const sw = new Switch(network);
  const clientHost = network.host('client', CLIENT);
  const serverHost = network.host('server', SERVER);
  const servicesHost = network.host('services', SERVICES);
  const clientLink = sw.connect(clientHost, options.link ?? {});
  sw.connect(serverHost, {});
  sw.connect(servicesHost, {});
  if (options.adversary) clientLink.setAdversary(options.adversary);

  const ms = composition.microProtocols;
  const acquire = ms.some((m) => m.class === 'public-key-acquisition');

  // Shared keys: every predefined index the composition uses, at the length its users need.
  const predefined = new Map<number, Uint8Array>(options.keys ?? []);
  for (const m of ms) {
    const indices = [
      m.key,
      m.name === 'kdc-key-distribution' ? Number(m.params['masterKey']) : undefined,
    ];
    for (const i of indices) {
      if (
        i === undefined ||
        predefined.has(i) ||
        ms.some((d) => d.class === 'key-distribution' && d.key === i)
      )
        continue;
      const users = ms
        .filter((x) => x.key === i)
        .map((x) => (catalog[x.name] as CatalogEntry).keyLength ?? 0);
      predefined.set(i, engine.randomBytes(Math.max(0, ...users) || 32));
    }
  }
  // The KDC's master keys: the client's is the predefined one; the server shares its own with the KDC.
  const kdcm = ms.find((m) => m.name === 'kdc-key-distribution');
  const serverKeys = new Map(predefined);
  let kdc: KeyDistributionCenter | null = null;
  /** The port a service is configured on, or its default when the address is not an IPv6 one. */
  const servicesAt = (address: unknown, fallback: number): { port: number } => {
    try {
      return { port: parseServiceAddress(String(address)).port };
    } catch {
      return { port: fallback };
    }
  };
  const addresses: Record<string, string> = {};
  if (kdcm !== undefined) {
    const at = servicesAt(kdcm.params['kdc'], 88);
    kdc = new KeyDistributionCenter(engine, () => network.scheduler.now());
    const master = Number(kdcm.params['masterKey']);
    const serverMaster = engine.randomBytes(32);
    kdc.register('client', predefined.get(master) as Uint8Array);
    kdc.register('server', serverMaster);
    serverKeys.set(master, serverMaster);
    const ep = servicesHost.bind(at.port);
    serveUdp(ep, (req) => kdc?.handle(req) ?? null);
    addresses['kdc'] = serviceAddress(parseIpv6(SERVICES), at.port);
  }

  // Key pairs: private bytes made here (key objects never give theirs out), public keys from the engine.
  const pair = (kind: 'sign' | 'agree') => {
    const priv = engine.randomBytes(32);
    const k =
      kind === 'sign' ? engine.signingKey('ed25519', priv) : engine.keyAgreement('x25519', priv);
    const pub = k.publicKey;
    k.destroy();
    return { priv, pub };
  };
  const sig = { client: pair('sign'), server: pair('sign') };
  const agree = { client: pair('agree'), server: pair('agree') };
  let ca: CertificateAuthority | null = null;
  const acquisition = ms.find((m) => m.class === 'public-key-acquisition');
  if (acquisition !== undefined) {
    const at = servicesAt(acquisition.params['ca'], 5280);
    ca = new CertificateAuthority(engine, 'seccomm-ca');
    for (const who of ['client', 'server'] as const)
      ca.certify(
        who,
        { algorithm: 'ed25519', publicKey: sig[who].pub, agreementKey: agree[who].pub },
        0,
      );
    serveUdp(servicesHost.bind(at.port), (req) => ca?.handle(req) ?? null);
    addresses['ca'] = serviceAddress(parseIpv6(SERVICES), at.port);
  }
  // Service addresses in the composition are rewritten to where the simulation put the services.
  const resolved: ResolvedComposition = {
    ...composition,
    microProtocols: ms.map((m) =>
      m.name === 'kdc-key-distribution'
        ? { ...m, params: { ...m.params, kdc: addresses['kdc'] as string } }
        : m.class === 'public-key-acquisition'
          ? { ...m, params: { ...m.params, ca: addresses['ca'] as string } }
          : m,
    ),
  };

  const open = (
    who: 'client' | 'server',
    host: Host,
    port: number,
    peer: string,
    peerPort: number,
  ): SecureChannel => {
    const other = who === 'client' ? 'server' : 'client';
    return SecureChannel.open(host, resolved, {
      engine,
      role: who,
      port,
      peer,
      peerPort,
      name: `seccomm-${who}`,
      ...(options.live ? { live: true } : {}),
      ...(who === 'server' && options.serverPolicy
        ? { recompositionPolicy: options.serverPolicy }
        : {}),
      ...(who === 'server' && options.serverFloor
        ? { recompositionFloor: options.serverFloor }
        : {}),
      keys: who === 'client' ? predefined : serverKeys,
      participants: { self: who, peer: other },
      // Request ids from a generator seeded from the scenario's seed (its own, so the links' draws stay as they were).
      services: new UdpServiceClient(host.bind(port + 1), network.scheduler, {
        random: new SeededRandom((options.seed ^ (who === 'client' ? 0x5e1d : 0x5e2d)) >>> 0),
      }),
      // Every end holds its key pairs (a live connection may come to need them); peers' public keys are predefined unless acquired.
      privateKey: sig[who].priv,
      agreementKey: agree[who].priv,
      ...(!acquire
        ? {
            publicKeys: new Map([[other, sig[other].pub]]),
            agreementKeys: new Map([[other, agree[other].pub]]),
          }
        : {}),
      ...(ca ? { caPublicKey: ca.publicKey } : {}),
    });
  };
  const server = open('server', serverHost, PORT, CLIENT, PORT);
  const client = open('client', clientHost, PORT, SERVER, PORT);
  const publicKeys = {
    client: { signing: sig.client.pub, agreement: agree.client.pub },
    server: { signing: sig.server.pub, agreement: agree.server.pub },
  };
  return {
    network,
    client,
    server,
    clientHost,
    serverHost,
    clientLink,
    ca,
    kdc,
    predefined,
    publicKeys,
  };
}
