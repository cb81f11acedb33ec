import { expect, it } from 'vitest';
import { Relay } from '../../src/tabs/relay';

it("writes each follower's messages in its order: a refused one blocks the later ones", () => {
  const relay = new Relay();
  // The first message of a follower this leader has not heard of sets its place.
  expect(relay.admits('f', 40)).toBe(true);
  relay.wrote('f', 40);
  expect(relay.admits('f', 41)).toBe(true);
  expect(relay.admits('f', 42)).toBe(false);
  relay.refused('f', 41);
  expect(relay.admits('f', 42)).toBe(false);
  expect(relay.admits('f', 41)).toBe(true);
  // A refusal before anything was written still fixes the place.
  relay.refused('g', 7);
  expect(relay.admits('g', 8)).toBe(false);
  expect(relay.admits('g', 7)).toBe(true);
});

it('acknowledges in batches, and says what it wrote when it leaves', () => {
  const relay = new Relay();
  expect(relay.acknowledge()).toBeUndefined();
  relay.wrote('f', 0);
  relay.wrote('f', 1);
  relay.wrote('g', 5);
  expect(relay.acknowledge()).toEqual({ f: 2, g: 6 });
  expect(relay.acknowledge()).toBeUndefined();
  relay.forget('g');
  expect(relay.written()).toEqual({ f: 2 });
});
