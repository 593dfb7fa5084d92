/** Sample payloads of every kind, shared by the codec, fuzz and tshark tests. */
import {
  attr,
  AuthMethod,
  EncapsulationMode,
  EspTransform,
  IdType,
  IPSEC_DOI,
  KEY_IKE,
  NAT_T_VENDOR_ID,
  NotifyType,
  Phase1Attribute,
  Phase1Encryption,
  Phase1Hash,
  Phase2Attribute,
  Phase2Auth,
  ProtocolId,
  SIT_IDENTITY_ONLY,
  type Payload,
} from '@conduits/protocols-isakmp';

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

/** A self-signed ECDSA P-256 X.509 certificate (CN=conduits test), made with openssl for these samples. */
export const sampleCertificate = Uint8Array.from(
  Buffer.from(
    '308201853082012ba003020102021437b863994e5ebd62b4b19d0d9fdff11c1a3f1b40300a06082a8648ce3d04030230183116301406035504030c0d636f6e64756974732074657374301e170d3236313230343137303630315a170d3336313230313137303630315a30183116301406035504030c0d636f6e647569747320746573743059301306072a8648ce3d020106082a8648ce3d0301070342000404b091610aedbae534795b73f4e1649444bd90b4b2d479973b659a86af96dec36320e58cba824a42095dcb47faeea62209e9676a07ad6d7890f3138a6f5bb1ada3533051301d0603551d0e04160414a8e70480ac3c7fa8aeaccd10d49838c3b750cdd7301f0603551d23041830168014a8e70480ac3c7fa8aeaccd10d49838c3b750cdd7300f0603551d130101ff040530030101ff300a06082a8648ce3d040302034800304502203092be5553928e46b56a1223dfd81e8b69b3c237a19b02888d99b1beebfd6137022100f68e09afd87668769c2da3c79a9ff83ec6785d6bd5bc3a79ac3c442be69efe90',
    'hex',
  ),
);

export const phase1Sa: Payload = {
  kind: 'sa',
  doi: IPSEC_DOI,
  situation: SIT_IDENTITY_ONLY,
  proposals: [
    {
      number: 1,
      protocolId: ProtocolId.ISAKMP,
      spi: new Uint8Array(0),
      transforms: [
        {
          number: 1,
          id: KEY_IKE,
          attributes: [
            attr(Phase1Attribute.ENCRYPTION_ALGORITHM, Phase1Encryption.AES_CBC),
            attr(Phase1Attribute.KEY_LENGTH, 128),
            attr(Phase1Attribute.HASH_ALGORITHM, Phase1Hash.SHA2_256),
            attr(Phase1Attribute.AUTHENTICATION_METHOD, AuthMethod.PRE_SHARED_KEY),
            attr(Phase1Attribute.GROUP_DESCRIPTION, 14),
            attr(Phase1Attribute.LIFE_TYPE, 1),
            attr(Phase1Attribute.LIFE_DURATION, 86_400),
          ],
        },
        {
          number: 2,
          id: KEY_IKE,
          attributes: [
            attr(Phase1Attribute.ENCRYPTION_ALGORITHM, Phase1Encryption.AES_CBC),
            attr(Phase1Attribute.KEY_LENGTH, 256),
            attr(Phase1Attribute.HASH_ALGORITHM, Phase1Hash.SHA),
            attr(Phase1Attribute.AUTHENTICATION_METHOD, AuthMethod.PRE_SHARED_KEY),
            attr(Phase1Attribute.GROUP_DESCRIPTION, 19),
          ],
        },
      ],
    },
  ],
};

export const phase2Sa: Payload = {
  kind: 'sa',
  doi: IPSEC_DOI,
  situation: SIT_IDENTITY_ONLY,
  proposals: [
    {
      number: 1,
      protocolId: ProtocolId.IPSEC_ESP,
      spi: Uint8Array.of(0xc0, 0, 0, 1),
      transforms: [
        {
          number: 1,
          id: EspTransform.ESP_AES,
          attributes: [
            attr(Phase2Attribute.ENCAPSULATION_MODE, EncapsulationMode.TUNNEL),
            attr(Phase2Attribute.AUTHENTICATION_ALGORITHM, Phase2Auth.HMAC_SHA2_256),
            attr(Phase2Attribute.KEY_LENGTH, 128),
            attr(Phase2Attribute.SA_LIFE_TYPE, 1),
            attr(Phase2Attribute.SA_LIFE_DURATION, 3600),
          ],
        },
        {
          number: 2,
          id: EspTransform.ESP_AES_GCM_16,
          attributes: [
            attr(Phase2Attribute.ENCAPSULATION_MODE, EncapsulationMode.TUNNEL),
            attr(Phase2Attribute.KEY_LENGTH, 128),
          ],
        },
      ],
    },
  ],
};

export const allPayloads: Payload[] = [
  phase1Sa,
  { kind: 'ke', data: bytes(256, 0x11) },
  { kind: 'nonce', data: bytes(32, 0x22) },
  { kind: 'id', idType: IdType.IPV6_ADDR, protocolId: 17, port: 500, data: bytes(16, 0x20) },
  { kind: 'cert', encoding: 4, data: sampleCertificate },
  { kind: 'cr', certType: 4, data: new Uint8Array(0) },
  { kind: 'hash', data: bytes(32, 0x33) },
  { kind: 'sig', data: bytes(64, 0x44) },
  {
    kind: 'n',
    doi: IPSEC_DOI,
    protocolId: ProtocolId.IPSEC_ESP,
    spi: Uint8Array.of(0xc0, 0, 0, 1),
    notifyType: NotifyType.RESPONDER_LIFETIME,
    data: Uint8Array.of(0x80, 1, 0, 1),
  },
  {
    kind: 'd',
    doi: IPSEC_DOI,
    protocolId: ProtocolId.IPSEC_ESP,
    spis: [Uint8Array.of(0xc0, 0, 0, 1), Uint8Array.of(0xc0, 0, 0, 2)],
  },
  { kind: 'vid', data: NAT_T_VENDOR_ID },
  { kind: 'nat-d', data: bytes(32, 0x55) },
  { kind: 'nat-oa', idType: IdType.IPV6_ADDR, data: bytes(16, 0x66) },
];
