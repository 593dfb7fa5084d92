/**
 * Known answers through SecComm's micro-protocols, on both engines: frames built by hand from
 * vectors nobody here wrote (RFC 4106-format GCM, RFC 8032 Ed25519, FIPS 180 SHA-2 "abc")
 * are delivered by a receiving connection, and the same frames with one bit changed are not.
 * Since issue 10 the AEAD key is the client→server key derived by HKDF and the frame header is
 * associated data (signed, for signatures): the test spells both out by hand, from the README's
 * formulas, and first checks the primitive itself against the vector.
 */
import { GraphBuilder, Scheduler } from '@conduits/core';
import { ProbeAdaptor } from '@conduits/core/testing';
import { engines, type CryptoEngine } from '@conduits/crypto';
import {
  AUTH_SENDER,
  openConnection,
  resolveComposition,
  type CompositionConfig,
} from '@conduits/seccomm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const vectors = (f: string) =>
  JSON.parse(readFileSync(join(process.cwd(), 'vectors', 'rfc', f), 'utf8')).vectors as Record<
    string,
    string | number | null
  >[];
/** A DATA frame at epoch 0: [kind 0][epoch 0] body. */
const frame = (...parts: Uint8Array[]): Uint8Array =>
  Buffer.concat([Uint8Array.of(0, 0), ...parts]);
/** The frame header a DATA frame from the client at epoch 0, generation 0 is authenticated with. */
const clientHeader = Uint8Array.of(0, 0, 0x43, 1, 0, 0, 0, 0, 0, 0, 0, 0);
const serverHeader = Uint8Array.of(0, 0, 0x53, 1, 0, 0, 0, 0, 0, 0, 0, 0);

function receiver(
  engine: CryptoEngine,
  config: CompositionConfig,
  options: { keys?: Map<number, Uint8Array>; peerKey?: Uint8Array } = {},
) {
  const scheduler = new Scheduler();
  const g = new GraphBuilder('receiver');
  const app = g.add(new ProbeAdaptor('app'));
  const net = g.add(new ProbeAdaptor('net'));
  const conn = openConnection('rx', resolveComposition(config), {
    engine,
    role: 'server',
    now: () => 0,
    participants: { self: 'server', peer: 'client' },
    ...(options.keys ? { keys: options.keys } : {}),
    ...(options.peerKey ? { publicKeys: new Map([['client', options.peerKey]]) } : {}),
  });
  g.stack(app, conn, net);
  g.build(scheduler);
  scheduler.run();
  return (bytes: Uint8Array) => {
    net.write(bytes);
    scheduler.run();
    return app.take();
  };
}

const flip = (b: Uint8Array): Uint8Array => {
  const c = Uint8Array.from(b);
  c[c.length - 1]! ^= 1;
  return c;
};

describe.each(Object.values(engines).map((e) => [e.name, e] as [string, CryptoEngine]))(
  'known answers through SecComm on the %s engine',
  (_n, engine) => {
    const gcm = vectors('gcm_spec_rfc4106_format.json').filter(
      (v) =>
        v['aad'] === '' && v['icv_len'] === 16 && (v['key_size'] === 16 || v['key_size'] === 32),
    );
    test.each(gcm.map((v) => [v['name'], v] as const))('AES-GCM privacy opens %s', (_name, v) => {
      const ks = v['key_size'] as number;
      const kws = hex(v['key_with_salt'] as string);
      const rx = receiver(
        engine,
        {
          keys: { predefined: [1] },
          microProtocols: [
            { use: ks === 16 ? 'aes-128-gcm-privacy' : 'aes-256-gcm-privacy', key: 1 },
          ],
        },
        { keys: new Map([[1, kws.subarray(0, ks)]]) },
      );
      const nonce = Buffer.concat([kws.subarray(ks), hex(v['iv'] as string)]);
      const plaintext = hex(v['plaintext'] as string);
      expect(
        Buffer.from(
          engine
            .aead(ks === 16 ? 'aes-128-gcm' : 'aes-256-gcm', kws.subarray(0, ks))
            .seal(nonce, plaintext),
        ).toString('hex'),
      ).toBe(v['ciphertext_and_icv']);
      const use = ks === 16 ? 'aes-128-gcm-privacy' : 'aes-256-gcm-privacy';
      const direction = engine.hkdf(
        'sha256',
        kws.subarray(0, ks),
        new Uint8Array(0),
        new TextEncoder().encode(`seccomm/1 ${use}[key 1] key 1 C→S generation 0`),
        ks,
      );
      const aead = engine.aead(ks === 16 ? 'aes-128-gcm' : 'aes-256-gcm', direction);
      const f = frame(nonce, aead.seal(nonce, plaintext, clientHeader));
      expect(rx(f).map((c) => Buffer.from(c.data).toString('hex'))).toEqual([v['plaintext']]);
      expect(rx(flip(f))).toEqual([]);
      // The same bytes claiming to come from the server (a reflection), or under the server's key: refused.
      expect(rx(frame(nonce, aead.seal(nonce, plaintext, serverHeader)))).toEqual([]);
      expect(
        rx(
          frame(
            nonce,
            engine
              .aead(ks === 16 ? 'aes-128-gcm' : 'aes-256-gcm', kws.subarray(0, ks))
              .seal(nonce, plaintext, clientHeader),
          ),
        ),
      ).toEqual([]);
    });

    test.each(vectors('rfc8032_ed25519.json').map((v, i) => [i + 1, v] as const))(
      'signature authenticity accepts RFC 8032 test %s and names the sender',
      (_i, v) => {
        const rx = receiver(
          engine,
          { keys: { privateKey: true }, microProtocols: [{ use: 'signature-authenticity' }] },
          { peerKey: hex(v['public_key'] as string) },
        );
        const key = engine.signingKey('ed25519', hex(v['secret_key'] as string));
        const message = hex(v['message'] as string);
        expect(Buffer.from(key.sign(message)).toString('hex')).toBe(v['signature']);
        // The RFC's own signature covers the message without the header: refused now.
        expect(rx(frame(message, hex(v['signature'] as string)))).toEqual([]);
        const f = frame(message, key.sign(Buffer.concat([clientHeader, message])));
        const got = rx(f);
        expect(got.map((c) => Buffer.from(c.data).toString('hex'))).toEqual([v['message']]);
        expect(got[0]?.attributes.get(AUTH_SENDER.name)).toBe('client');
        expect(rx(flip(f))).toEqual([]);
      },
    );

    test.each([
      ['sha256-digest', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      [
        'sha512-digest',
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      ],
    ])('%s checks the FIPS 180 digest of "abc"', (use, digest) => {
      const rx = receiver(engine, { microProtocols: [{ use }] });
      const f = frame(new TextEncoder().encode('abc'), hex(digest));
      expect(rx(f).map((c) => new TextDecoder().decode(c.data))).toEqual(['abc']);
      expect(rx(flip(f))).toEqual([]);
    });
  },
);
