import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConstantBackoff } from '../../src/core';
import { SendQueue } from '../../src/core/send-queue';
import type { Link } from '../../src/core/transport';
import { expectNoLeaks, FakeTransport, make } from './fake-transport';

const seed = () => ({ backoff: new ConstantBackoff(0), minUptime: 0 });

beforeEach(() => {
  vi.useFakeTimers();
  FakeTransport.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('send queue', () => {
  it('queues while not open and flushes FIFO on open, before any new send', () => {
    const socket = make<string, string>(seed());
    expect(socket.send('a')).toBe(true);
    expect(socket.send('b')).toBe(true);
    expect(socket.queued).toEqual(['a', 'b']);
    socket.connection.subscribe((s) => {
      if (s.type === 'connected') socket.send('c');
    });
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toEqual(['a', 'b', 'c']);
    expect(socket.queued).toEqual([]);
  });

  it('queues across a drop and flushes on Reconnected', () => {
    const socket = make<string, string>(seed());
    FakeTransport.last.open();
    FakeTransport.last.serverClose(1001, '');
    expect(socket.send('while down')).toBe(true);
    const t = FakeTransport.last;
    t.open();
    expect(socket.connection.state.type).toBe('reconnected');
    expect(t.sent).toEqual(['while down']);
  });

  it('is bounded by maxMessages: send returns false on overflow, without onDrop', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ queue: { maxMessages: 2 }, onDrop });
    expect(socket.send('a')).toBe(true);
    expect(socket.send('b')).toBe(true);
    expect(socket.send('c')).toBe(false);
    expect(socket.queued).toEqual(['a', 'b']);
    expect(onDrop).not.toHaveBeenCalled();
  });

  it('defaults to 1000 messages', () => {
    const socket = make<string, string>();
    for (let i = 0; i < 1000; i++) expect(socket.send(String(i))).toBe(true);
    expect(socket.send('one too many')).toBe(false);
    expect(socket.queued).toHaveLength(1000);
  });

  it('is bounded by maxBytes, counting UTF-8 and binary bytes', () => {
    const socket = make<unknown, string | Uint8Array>({ queue: { maxBytes: 10 } });
    expect(socket.send('12345')).toBe(true); // 5
    expect(socket.send('éé')).toBe(true); // 4 bytes, 2 chars
    expect(socket.send('12')).toBe(false); // 11 > 10
    expect(socket.send(new Uint8Array(1))).toBe(true); // 10
    expect(socket.send('x')).toBe(false);
    expect(socket.queued).toHaveLength(3);
  });

  it('a message of maxBytes exactly fits; maxBytes 0 holds nothing', () => {
    const exact = make<string, string>({ queue: { maxBytes: 3 } });
    expect(exact.send('abc')).toBe(true);
    const none = make<string, string>({ queue: { maxBytes: 0 } });
    expect(none.send('a')).toBe(false);
  });

  it('maxAge: expired messages are not sent, and onDrop(data, "expired") is called', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ ...seed(), queue: { maxAge: 1000 }, onDrop });
    socket.send('old');
    vi.advanceTimersByTime(500);
    socket.send('younger');
    vi.advanceTimersByTime(500);
    socket.send('exactly-max-age-is-kept'); // 'old' is now exactly 1000 ms old
    expect(onDrop).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    FakeTransport.last.open();
    expect(onDrop).toHaveBeenCalledTimes(1);
    expect(onDrop).toHaveBeenCalledWith('old', 'expired');
    expect(FakeTransport.last.sent).toEqual(['younger', 'exactly-max-age-is-kept']);
  });

  it('expired messages free their room at the next send', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ queue: { maxMessages: 1, maxAge: 100 }, onDrop });
    expect(socket.send('a')).toBe(true);
    expect(socket.send('b')).toBe(false);
    vi.advanceTimersByTime(101);
    expect(socket.send('c')).toBe(true);
    expect(onDrop).toHaveBeenCalledWith('a', 'expired');
    expect(socket.queued).toEqual(['c']);
  });

  it('expired messages free their bytes too', () => {
    const socket = make<string, string>({ queue: { maxBytes: 10, maxAge: 100 } });
    expect(socket.send('0123456789')).toBe(true);
    vi.advanceTimersByTime(101);
    expect(socket.send('abcdefghij')).toBe(true); // the expired 10 bytes no longer count
    expect(socket.queued).toEqual(['abcdefghij']);
  });

  it('flushed messages free their bytes: the queue holds its maxBytes again on the next outage', () => {
    const socket = make<string, string>({ ...seed(), queue: { maxBytes: 10 } });
    expect(socket.send('0123456789')).toBe(true);
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toEqual(['0123456789']);
    FakeTransport.last.serverClose(1001, '');
    expect(socket.send('abcdefghij')).toBe(true);
    expect(socket.send('x')).toBe(false);
    expect(socket.queued).toEqual(['abcdefghij']);
  });

  it('queue: false → send returns false while not open, true when open', () => {
    const socket = make<string, string>({ ...seed(), queue: false });
    expect(socket.send('early')).toBe(false);
    expect(socket.queued).toEqual([]);
    FakeTransport.last.open();
    expect(socket.send('now')).toBe(true);
    FakeTransport.last.serverClose(1001, '');
    expect(socket.send('down')).toBe(false);
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toEqual([]);
    expect(FakeTransport.instances[0]?.sent).toEqual(['now']);
  });

  it('close() discards queued messages, in order, with onDrop(data, "closed")', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ ...seed(), onDrop });
    socket.send('a');
    socket.send('b');
    socket.close();
    expect(onDrop.mock.calls).toEqual([
      ['a', 'closed'],
      ['b', 'closed'],
    ]);
    expect(socket.queued).toEqual([]);
    expect(FakeTransport.last.sent).toEqual([]);
    expectNoLeaks();
  });

  it('a give-up discards queued messages with onDrop(data, "closed")', () => {
    const onDrop = vi.fn();
    const socket = make<string, string>({ timeout: 0, onDrop });
    socket.send('lost');
    FakeTransport.last.fail();
    expect(socket.connection.state.type).toBe('disconnected');
    expect(onDrop).toHaveBeenCalledWith('lost', 'closed');
    expect(socket.queued).toEqual([]);
  });

  it('the queue holds the original values; the wire holds the encoded frames', async () => {
    const { json } = await import('../../src/core');
    const socket = make<unknown, { n: number }>({ ...seed(), codec: json() });
    socket.send({ n: 1 });
    expect(socket.queued).toEqual([{ n: 1 }]);
    FakeTransport.last.open();
    expect(FakeTransport.last.sent).toEqual(['{"n":1}']);
  });

  it('queued is a snapshot: mutating it does not touch the queue', () => {
    const socket = make<string, string>();
    socket.send('a');
    const snapshot = socket.queued as string[];
    snapshot.push('b');
    expect(socket.queued).toEqual(['a']);
  });
});

describe('SendQueue on its own', () => {
  const link = (ready: boolean) => {
    const sent: unknown[] = [];
    return {
      sent,
      link: {
        transport: { send: (d: unknown) => sent.push(d) },
        ready: () => ready,
      } as unknown as Link,
    };
  };

  it('flushes nothing into a link that is not OPEN, and keeps every message', () => {
    const drops: unknown[] = [];
    const queue = new SendQueue<string>({}, (data) => drops.push(data));
    queue.offer('a', 'a', 0);
    queue.offer('b', 'b', 0);
    const closing = link(false);
    queue.flush(closing.link, 1);
    expect(closing.sent).toEqual([]);
    expect(queue.values).toEqual(['a', 'b']);
    const open = link(true);
    queue.flush(open.link, 2);
    expect(open.sent).toEqual(['a', 'b']);
    expect(queue.values).toEqual([]);
    expect(drops).toEqual([]);
  });

  it('a transport that throws on send keeps the message and those after it, in order', () => {
    const queue = new SendQueue<string>({}, () => {});
    queue.offer('a', 'a', 0);
    queue.offer('b', 'b', 0);
    let n = 0;
    const flaky = {
      transport: {
        send: () => {
          if (n++ === 0) throw new Error('buffer full');
        },
      },
      ready: () => true,
    } as unknown as Link;
    queue.flush(flaky, 0);
    expect(queue.values).toEqual(['a', 'b']);
    queue.flush(flaky, 0);
    expect(queue.values).toEqual([]);
  });

  it('take() empties it without a single drop report', () => {
    const drops: unknown[] = [];
    const queue = new SendQueue<string>({}, (data) => drops.push(data));
    queue.offer('a', 'a', 0);
    expect(queue.take()).toEqual(['a']);
    expect(queue.values).toEqual([]);
    queue.discard('closed');
    expect(drops).toEqual([]);
  });
});
