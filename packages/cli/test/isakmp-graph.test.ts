/** `conduits graph isakmp` draws Figure 9 from the live graph: adaptor, cookie mux, factory, one ISAKMP SA session. */
import { describeGraph, toDot } from '@conduits/core';
import { examples } from '../src/examples/registry.js';

test('the isakmp example graph has Figure 9 shape after one negotiation', () => {
  const [g] = examples['isakmp']!.build();
  const dot = toDot(describeGraph(g!));
  expect(dot).toContain('adaptor ike-udp');
  expect(dot).toContain('mux isakmp-cookies');
  expect(dot).toContain('factory isakmp-factory');
  expect(dot).toMatch(/routes: 1 \([0-9a-f]{16}\)/);
  expect(dot).toContain('session isakmp-sa');
});
