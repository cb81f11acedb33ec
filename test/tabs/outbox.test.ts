import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/core';
import { Outbox } from '../../src/tabs/outbox';

const make = (options: ConstructorParameters<typeof Outbox<string>>[0] = {}) => {
  const dropped: string[] = [];
  const outbox = new Outbox<string>(options, (data, reason) => dropped.push(`${data} ${reason}`));
  const posts: string[] = [];
  const post = (seq: number, round: number, wire: unknown) => {
    posts.push(`${wire}#${seq}/${round}`);
    return true;
  };
  return { outbox, dropped, posts, post };
};

describe('Outbox', () => {
  it('bounds the queue by count and bytes, and says false when a message does not fit', () => {
    const { outbox } = make({ maxMessages: 2, maxBytes: 5 });
    expect(outbox.offer('a', 'aa', 0)).toBe(true);
    expect(outbox.offer('b', 'bbbb', 0)).toBe(false); // 6 bytes
    expect(outbox.offer('c', 'ccc', 0)).toBe(true);
    expect(outbox.offer('d', 'd', 0)).toBe(false); // 3 messages
    expect(outbox.values).toEqual(['a', 'c']);
    expect(make({}).outbox.offer('x', 'x', 0)).toBe(true);
    expect(make(false).outbox.offer('x', 'x', 0)).toBe(false);
  });

  it('expires old messages with a report', () => {
    const { outbox, dropped } = make({ maxAge: 100 });
    outbox.offer('old', 'o', 0);
    outbox.offer('new', 'n', 50);
    outbox.expire(101);
    expect(outbox.values).toEqual(['new']);
    expect(dropped).toEqual(['old expired']);
  });

  it("numbers a follower's messages as it hands them over, and keeps them until written", () => {
    const { outbox, posts, post } = make();
    outbox.offer('a', 'a', 0);
    outbox.offer('b', 'b', 0);
    outbox.handOver(post, 0);
    expect(outbox.post('c', 'c', 0, post)).toBe(true);
    expect(posts).toEqual(['a#0/0', 'b#1/0', 'c#2/0']);
    expect(outbox.inFlight).toBe(3);
    outbox.written(2);
    expect(outbox.inFlight).toBe(1);
  });

  it('a refusal sends it and those after it back to the front, in order; stale refusals do nothing', () => {
    const { outbox, posts, post } = make();
    for (const m of ['a', 'b', 'c']) outbox.post(m, m, 0, post);
    outbox.offer('d', 'd', 0);
    expect(outbox.refused(1, 0)).toBe(true);
    expect(outbox.values).toEqual(['b', 'c', 'd']);
    // The refusal of c's first copy (round 0) comes after: already back in the queue.
    expect(outbox.refused(2, 0)).toBe(false);
    outbox.handOver(post, 0);
    // The same numbers again, in the new round; d gets the next number.
    expect(posts.slice(3)).toEqual(['b#1/1', 'c#2/1', 'd#3/1']);
  });

  it('requeues from what a leaving leader wrote; abandons on a vanished one', () => {
    const { outbox, post } = make();
    for (const m of ['a', 'b', 'c']) outbox.post(m, m, 0, post);
    outbox.requeue(1);
    expect(outbox.values).toEqual(['b', 'c']);
    expect(outbox.inFlight).toBe(0);
    outbox.handOver(post, 0);
    outbox.abandon();
    expect(outbox.inFlight).toBe(0);
    expect(outbox.values).toEqual([]);
  });

  it('requeued messages keep their age and go past the bounds', () => {
    const { outbox, dropped, post } = make({ maxMessages: 1, maxAge: 100 });
    outbox.post('a', 'a', 0, post);
    outbox.post('b', 'b', 0, post);
    outbox.offer('c', 'c', 50);
    outbox.requeue();
    expect(outbox.values).toEqual(['a', 'b', 'c']);
    outbox.expire(101);
    expect(dropped).toEqual(['a expired', 'b expired']);
  });

  it('a message the channel refuses stays queued; a leader flushes while its connection takes', () => {
    const { outbox } = make();
    outbox.offer('a', 'a', 0);
    outbox.offer('b', 'b', 0);
    outbox.handOver(() => false, 0);
    expect(outbox.values).toEqual(['a', 'b']);
    const written: unknown[] = [];
    outbox.flush((wire) => written.push(wire) < 2, 0);
    expect(written).toEqual(['a', 'b']);
    expect(outbox.values).toEqual(['b']);
  });

  it('take hands the queue over without reports; close reports each', () => {
    const { outbox, dropped } = make();
    outbox.offer('a', 'a', 0);
    expect(outbox.take()).toEqual(['a']);
    outbox.offer('b', 'b', 0);
    outbox.close();
    expect(dropped).toEqual(['b closed']);
    expect(outbox.size).toBe(0);
  });

  it('closed: the queued are reported only once those in flight are settled, in accept order', () => {
    const { outbox, dropped, post } = make();
    for (const m of ['a', 'b', 'c']) outbox.post(m, m, 0, post);
    outbox.offer('d', 'd', 0);
    outbox.close();
    expect(outbox.values).toEqual([]);
    expect(outbox.take()).toEqual([]);
    expect(dropped).toEqual([]);
    // The leader refused b (round 0): it wrote a, and will write neither b nor c.
    expect(outbox.refused(1, 0)).toBe(true);
    expect(outbox.inFlight).toBe(0);
    expect(dropped).toEqual(['b closed', 'c closed', 'd closed']);
  });

  it('closed: an acknowledgement of the last one in flight releases the reports of the queue', () => {
    const { outbox, dropped, post } = make();
    outbox.post('a', 'a', 0, post);
    outbox.offer('b', 'b', 0);
    outbox.close();
    outbox.written(0);
    expect(dropped).toEqual([]);
    outbox.written(1);
    expect(dropped).toEqual(['b closed']);
  });

  it('closed: what a verdict sends back is reported, not queued; a stale refusal says nothing', () => {
    const { outbox, dropped, post } = make();
    for (const m of ['a', 'b', 'c']) outbox.post(m, m, 0, post);
    outbox.close();
    expect(outbox.refused(2, 7)).toBe(false);
    expect(dropped).toEqual([]);
    outbox.requeue(1);
    expect(dropped).toEqual(['b closed', 'c closed']);
    expect(outbox.values).toEqual([]);
    expect(outbox.inFlight).toBe(0);
    // No verdict at all: every one still in flight is reported.
    const other = make();
    other.outbox.post('x', 'x', 0, other.post);
    other.outbox.close();
    other.outbox.requeue();
    expect(other.dropped).toEqual(['x closed']);
  });

  it('closed with nothing in flight: reports at once; a vanished leader releases them too', () => {
    const { outbox, dropped } = make();
    outbox.offer('a', 'a', 0);
    outbox.close();
    expect(dropped).toEqual(['a closed']);
    outbox.close();
    expect(dropped).toEqual(['a closed']);
    const other = make();
    other.outbox.post('x', 'x', 0, other.post);
    other.outbox.offer('y', 'y', 0);
    other.outbox.close();
    other.outbox.abandon();
    // x counts as handed over (it may be lost, as on a transport that died): only y is reported.
    expect(other.dropped).toEqual(['y closed']);
  });

  it('refuses nonsensical bounds', () => {
    expect(() => make({ maxMessages: -1 })).toThrow(InvalidOptionError);
    expect(() => make({ maxAge: Number.POSITIVE_INFINITY })).toThrow(InvalidOptionError);
  });
});
