/**
 * The Security Association Database (RFC 4301 §4.4.2): SAs by SPI, inbound and outbound.
 * Deleting an SA wipes its keys.
 */
import { SecurityAssociation, type SaConfig, type Spi } from './security-association.js';

export class SecurityAssociationDatabase {
  readonly #inbound = new Map<number, SecurityAssociation>();
  readonly #outbound = new Map<number, SecurityAssociation>();

  add(sa: SecurityAssociation): SecurityAssociation {
    const table = sa.direction === 'inbound' ? this.#inbound : this.#outbound;
    if (table.has(sa.spi)) throw new RangeError(`SAD already holds an ${sa.direction} SA with SPI 0x${sa.spi.toString(16)}`);
    table.set(sa.spi, sa);
    return sa;
  }

  create(config: SaConfig, now = 0): SecurityAssociation {
    return this.add(new SecurityAssociation(config, now));
  }

  inbound(spi: number): SecurityAssociation | undefined {
    return this.#inbound.get(spi);
  }

  outbound(spi: number): SecurityAssociation | undefined {
    return this.#outbound.get(spi);
  }

  /** Remove and destroy (keys wiped). */
  delete(direction: 'inbound' | 'outbound', spi: Spi | number): boolean {
    const table = direction === 'inbound' ? this.#inbound : this.#outbound;
    const sa = table.get(spi);
    if (sa === undefined) return false;
    sa.destroy();
    table.delete(spi);
    return true;
  }

  all(): SecurityAssociation[] {
    return [...this.#inbound.values(), ...this.#outbound.values()];
  }

  get size(): number {
    return this.#inbound.size + this.#outbound.size;
  }
}
