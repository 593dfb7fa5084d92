/**
 * The Security Association Database (RFC 4301 §4.4.2): SAs by SPI, inbound and outbound.
 * Deleting an SA wipes its keys.
 */
import { SecurityAssociation, type SaConfig, type Spi } from './security-association.js';

export class SecurityAssociationDatabase {
  readonly #inbound = new Map<number, SecurityAssociation>();
  readonly #inboundAh = new Map<number, SecurityAssociation>();
  /** Outbound SPIs are ours to choose: one table for both protocols, so a bundle names SAs by SPI alone. */
  readonly #outbound = new Map<number, SecurityAssociation>();

  #table(direction: 'inbound' | 'outbound', protocol: 'esp' | 'ah'): Map<number, SecurityAssociation> {
    return direction === 'outbound' ? this.#outbound : protocol === 'ah' ? this.#inboundAh : this.#inbound;
  }

  add(sa: SecurityAssociation): SecurityAssociation {
    const table = this.#table(sa.direction, sa.protocol);
    if (table.has(sa.spi)) throw new RangeError(`SAD already holds an ${sa.direction} SA with SPI 0x${sa.spi.toString(16)}`);
    table.set(sa.spi, sa);
    return sa;
  }

  create(config: SaConfig, now = 0): SecurityAssociation {
    return this.add(new SecurityAssociation(config, now));
  }

  inbound(spi: number, protocol: 'esp' | 'ah' = 'esp'): SecurityAssociation | undefined {
    return (protocol === 'ah' ? this.#inboundAh : this.#inbound).get(spi);
  }

  outbound(spi: number): SecurityAssociation | undefined {
    return this.#outbound.get(spi);
  }

  /** Remove and destroy (keys wiped). */
  delete(direction: 'inbound' | 'outbound', spi: Spi | number, protocol: 'esp' | 'ah' = 'esp'): boolean {
    const table = this.#table(direction, protocol);
    const sa = table.get(spi);
    if (sa === undefined) return false;
    sa.destroy();
    table.delete(spi);
    return true;
  }

  all(): SecurityAssociation[] {
    return [...this.#inbound.values(), ...this.#inboundAh.values(), ...this.#outbound.values()];
  }

  get size(): number {
    return this.#inbound.size + this.#inboundAh.size + this.#outbound.size;
  }
}
