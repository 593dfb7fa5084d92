/**
 * A dealer's secret polynomial f(x) = a_0 + a_1·x + … + a_t·x^t, its coefficients secret
 * scalars (wiped by `destroy`), with Feldman's commitments C_k = G·a_k.
 */
import type { Destroyable, Group, GroupPoint, RandomSource, SecretScalar } from '@conduits/crypto';

export class SecretPolynomial implements Destroyable {
  readonly #coefficients: SecretScalar[];
  readonly group: Group;

  private constructor(group: Group, coefficients: SecretScalar[]) {
    this.group = group;
    this.#coefficients = coefficients;
  }

  /**
   * A random polynomial of degree `degree` whose constant term is `constant` (copied; a share
   * being reshared, a given joint secret), zero (a refresh, a recovery blinding), or random.
   */
  static random(
    group: Group,
    degree: number,
    constant: SecretScalar | 'zero' | 'random',
    random?: RandomSource,
  ): SecretPolynomial {
    const a0 =
      constant === 'zero'
        ? group.secretFromValue(0n)
        : constant === 'random'
          ? group.randomScalar(random)
          : constant.clone();
    const cs = [a0];
    for (let k = 1; k <= degree; k++) cs.push(group.randomScalar(random));
    return new SecretPolynomial(group, cs);
  }

  /**
   * A random polynomial of degree `degree` that is zero at `root` (Herzberg's recovery
   * blinding: f(x) = (x − root)·g(x), g random of degree − 1).
   */
  static zeroAt(
    group: Group,
    degree: number,
    root: number,
    random?: RandomSource,
  ): SecretPolynomial {
    const g = SecretPolynomial.random(group, degree - 1, 'random', random);
    const r = BigInt(root);
    // (x − r)·Σ g_k x^k: coefficient k is g_{k−1} − r·g_k.
    const cs: SecretScalar[] = [];
    for (let k = 0; k <= degree; k++) {
      const hi = k >= 1 ? g.#coefficients[k - 1] : undefined;
      const lo = k < degree ? g.#coefficients[k] : undefined;
      const minusRLo = lo?.times(group.scalars.neg(r));
      const c =
        hi === undefined
          ? (minusRLo as SecretScalar)
          : minusRLo === undefined
            ? hi.clone()
            : hi.plus(minusRLo);
      if (minusRLo !== undefined && c !== minusRLo) minusRLo.destroy();
      cs.push(c);
    }
    g.destroy();
    return new SecretPolynomial(group, cs);
  }

  get degree(): number {
    return this.#coefficients.length - 1;
  }

  get destroyed(): boolean {
    return this.#coefficients.length === 0 || (this.#coefficients[0] as SecretScalar).destroyed;
  }

  /** Feldman's commitments G·a_k, k = 0..t. */
  commitments(): GroupPoint[] {
    return this.#coefficients.map((c) => c.publicPoint());
  }

  /** P·a_k, k = 0..t (Pedersen's blinding commitments with P = H). */
  commitmentsTo(p: GroupPoint): GroupPoint[] {
    return this.#coefficients.map((c) => c.multiplyPoint(p));
  }

  /** f(x), by Horner's rule on secret scalars (every intermediate wiped). */
  evaluate(x: number | bigint): SecretScalar {
    const k = BigInt(x);
    let acc = (this.#coefficients[this.degree] as SecretScalar).clone();
    for (let i = this.degree - 1; i >= 0; i--) {
      const m = acc.times(k);
      acc.destroy();
      acc = m.plus(this.#coefficients[i] as SecretScalar);
      m.destroy();
    }
    return acc;
  }

  /** The constant term's copy (a joint secret's dealer contribution, for tests of a given value). */
  constantTerm(): SecretScalar {
    return (this.#coefficients[0] as SecretScalar).clone();
  }

  destroy(): void {
    for (const c of this.#coefficients) c.destroy();
  }

  toString(): string {
    return `[secret polynomial of degree ${this.degree}${this.destroyed ? ', destroyed' : ''}]`;
  }
}
