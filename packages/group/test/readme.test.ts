/** The README's example (examples/readme.ts, shown verbatim in the README) does what it says. */
import { after, got } from '../examples/readme.js';

test('README example: two members join, talk through the leader, one leaves and the group is rekeyed', () => {
  expect(got).toEqual(['alice: hi bob']);
  expect(after).toEqual({ bob: 'left', epochs: [3, 3] });
});
