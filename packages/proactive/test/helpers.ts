/** Shared set-up for the tests: a DKG among n servers on a seeded stream. */
import { nobleGroup, type Group, type GroupName, type SecretScalar } from '@conduits/crypto';
import type { KeyShare } from '@conduits/proactive';
import { Dkg } from '@conduits/proactive';
import { lagrangeAt } from '@conduits/proactive/internal';
import { runLocally, seededRandom } from '@conduits/proactive/testing';

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

export function dkg(n: number, t: number, seed = 'dkg', group: GroupName = 'ed25519'): KeyShare[] {
  const g = nobleGroup(group);
  const servers = range(n);
  const parties = servers.map(
    (self) =>
      new Dkg({ group: g, self, servers, threshold: t, random: seededRandom(`${seed}/${self}`) }),
  );
  runLocally(parties);
  return parties.map((p) => p.result());
}

/** Σ λ_i s_i over the given secret shares (what an adversary holding them would compute). */
export function interpolate(
  g: Group,
  shares: readonly { index: number; secret: SecretScalar }[],
): SecretScalar {
  const idx = shares.map((s) => s.index);
  let acc = g.secretFromValue(0n);
  for (const s of shares) {
    const term = s.secret.times(lagrangeAt(g.scalars, idx, s.index));
    const next = acc.plus(term);
    term.destroy();
    acc.destroy();
    acc = next;
  }
  return acc;
}
