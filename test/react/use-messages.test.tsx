// biome-ignore-all lint/correctness/noComponentHookFactories: each test defines components that close over its own probes and servers.
import { act, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { expect, it, vi } from 'vitest';
import { type Data, InvalidOptionError } from '../../src/core/index';
import {
  type UseMessagesOptions,
  useMessageListener,
  useMessages,
  WebSocketProvider,
} from '../../src/react/index';
import { Commits, inAct, nextFrame } from './helpers';
import { type MockServer, mockServer } from './mock-server';
import { describeModes } from './modes';

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => String(from + i));

/** A `useMessages` component whose committed renders and latest snapshot the test can read. */
const messagesProbe = () => {
  const commits = new Commits();
  const seen: { messages: readonly Data[]; snapshots: Set<readonly Data[]> } = {
    messages: [],
    snapshots: new Set(),
  };
  function Messages({ options }: { options?: UseMessagesOptions<Data> }) {
    const messages = useMessages(options);
    seen.messages = messages;
    seen.snapshots.add(messages);
    return (
      <commits.Probe>
        <p data-testid="count">{messages.length}</p>
      </commits.Probe>
    );
  }
  return { commits, seen, Messages };
};

const connected = (mock: MockServer) => waitFor(() => expect(mock.open()).toBe(1));

describeModes('useMessages', (mode) => {
  it('returns the messages received since mount, oldest first', async () => {
    const mock = mockServer();
    const { seen, Messages } = messagesProbe();
    function App() {
      const [late, setLate] = useState(false);
      return (
        <WebSocketProvider url={mock.url} options={mock.options}>
          <button type="button" onClick={() => setLate(true)}>
            mount
          </button>
          {late && <Messages />}
        </WebSocketProvider>
      );
    }
    const { unmount } = mode.render(<App />);
    await connected(mock);
    await inAct(() => mock.send('before', 'mount'));
    await act(async () => screen.getByRole('button').click());
    expect(seen.messages).toEqual([]);
    await inAct(() => mock.send('a', 'b', 'c'));
    await nextFrame();
    expect(seen.messages).toEqual(['a', 'b', 'c']);
    await inAct(() => mock.send('d'));
    // Within the throttle of the last render: it shows a frame or two later.
    await waitFor(() => expect(seen.messages).toEqual(['a', 'b', 'c', 'd']));
    expect(Object.isFrozen(seen.messages)).toBe(true);
    unmount();
  });

  it('keeps the last 100 by default', async () => {
    const mock = mockServer();
    const { seen, Messages } = messagesProbe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Messages />
      </WebSocketProvider>,
    );
    await connected(mock);
    await inAct(() => mock.send(...range(0, 60)));
    await nextFrame();
    await inAct(() => mock.send(...range(60, 150)));
    await waitFor(() => expect(seen.messages).toEqual(range(50, 150)));
    unmount();
  });

  it('applies `limit` and `filter`', async () => {
    const mock = mockServer();
    const evens = messagesProbe();
    const small = messagesProbe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <evens.Messages options={{ filter: (m) => Number(m) % 2 === 0, limit: 1000 }} />
        <small.Messages options={{ limit: 3 }} />
      </WebSocketProvider>,
    );
    await connected(mock);
    await inAct(() => mock.send(...range(0, 10)));
    await nextFrame();
    expect(evens.seen.messages).toEqual(['0', '2', '4', '6', '8']);
    expect(small.seen.messages).toEqual(['7', '8', '9']);
    await inAct(() => mock.send('10', '11'));
    await waitFor(() => expect(small.seen.messages).toEqual(['9', '10', '11']));
    await waitFor(() => expect(evens.seen.messages).toEqual(['0', '2', '4', '6', '8', '10']));
    unmount();
  });

  it.each([
    [10_000, range(0, 10_000)],
    [100, range(9_900, 10_000)],
  ])(
    'a burst of 10,000 messages renders once and loses none (limit %i)',
    async (limit, expected) => {
      const mock = mockServer();
      const { commits, seen, Messages } = messagesProbe();
      const { unmount } = mode.render(
        <WebSocketProvider url={mock.url} options={mock.options}>
          <Messages options={{ limit }} />
        </WebSocketProvider>,
      );
      await connected(mock);
      const before = commits.count;
      const burst = range(0, 10_000);
      await inAct(() => mock.send(...burst));
      // Delivered synchronously: nothing rendered yet, the frame has not come.
      expect(commits.count).toBe(before);
      await waitFor(() => expect(screen.getByTestId('count').textContent).toBe(String(limit)));
      expect(commits.count - before).toBe(1);
      expect(seen.messages).toEqual(expected);
      unmount();
    },
  );

  it('with throttle 0, renders once per frame that has news, showing everything so far', async () => {
    const mock = mockServer();
    const { commits, seen, Messages } = messagesProbe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Messages options={{ limit: 1000, throttle: 0 }} />
      </WebSocketProvider>,
    );
    await connected(mock);
    const before = commits.count;
    for (let frame = 0; frame < 3; frame++) {
      await inAct(() => {
        for (const m of range(frame * 100, frame * 100 + 100)) mock.send(m);
      });
      await nextFrame();
      expect(commits.count - before).toBe(frame + 1);
      expect(seen.messages).toEqual(range(0, frame * 100 + 100));
    }
    unmount();
  });

  it('under a stream, renders no more often than `throttle` ms, and loses nothing', async () => {
    const mock = mockServer();
    const { commits, seen, Messages } = messagesProbe();
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Messages options={{ throttle: 500 }} />
      </WebSocketProvider>,
    );
    await connected(mock);
    await inAct(() => mock.send('a'));
    await nextFrame();
    expect(seen.messages).toEqual(['a']);
    const first = { at: performance.now(), commits: commits.count };
    await inAct(() => mock.send('b'));
    await nextFrame();
    await inAct(() => mock.send('c'));
    await nextFrame();
    expect(commits.count).toBe(first.commits);
    await waitFor(() => expect(seen.messages).toEqual(['a', 'b', 'c']), { timeout: 3000 });
    // Frame-aligned, and first.at was read a little after the publishing frame: allow for both.
    expect(performance.now() - first.at).toBeGreaterThanOrEqual(400);
    expect(commits.count - first.commits).toBe(1);
    unmount();
  });

  it('keeps the array identity when nothing arrived', async () => {
    const mock = mockServer();
    const { seen, Messages } = messagesProbe();
    function App() {
      const [n, setN] = useState(0);
      return (
        <WebSocketProvider url={mock.url} options={mock.options}>
          <button type="button" onClick={() => setN(n + 1)}>
            {`render ${n}`}
          </button>
          <Messages />
        </WebSocketProvider>
      );
    }
    const { unmount } = mode.render(<App />);
    await connected(mock);
    const empty = seen.messages;
    await act(async () => screen.getByRole('button').click());
    await screen.findByText('render 1');
    expect(seen.messages).toBe(empty);
    await inAct(() => mock.send('x'));
    await nextFrame();
    const one = seen.messages;
    expect(one).not.toBe(empty);
    expect(one).toEqual(['x']);
    await act(async () => screen.getByRole('button').click());
    await screen.findByText('render 2');
    await nextFrame();
    expect(seen.messages).toBe(one);
    expect(seen.snapshots.size).toBe(2);
    unmount();
  });

  it('loses no message that arrived just before the url changed', async () => {
    const a = mockServer('a');
    const b = mockServer('b');
    const { seen, Messages } = messagesProbe();
    const ui = (mock: MockServer) => (
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Messages />
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui(a));
    await connected(a);
    await act(async () => {
      a.send('from a');
      rerender(ui(b));
    });
    await connected(b);
    await nextFrame();
    expect(seen.messages).toEqual(['from a']);
    await inAct(() => b.send('from b'));
    await nextFrame();
    expect(seen.messages).toEqual(['from a', 'from b']);
    unmount();
  });
});

describeModes('useMessageListener', (mode) => {
  it('calls back for every message, in order, without rendering', async () => {
    const mock = mockServer();
    const commits = new Commits();
    const heard: string[] = [];
    function Listener() {
      useMessageListener((m) => heard.push(String(m)));
      return (
        <commits.Probe>
          <p>listening</p>
        </commits.Probe>
      );
    }
    const { unmount } = mode.render(
      <WebSocketProvider url={mock.url} options={mock.options}>
        <Listener />
      </WebSocketProvider>,
    );
    await connected(mock);
    const before = commits.count;
    await inAct(() => mock.send(...range(0, 1000)));
    expect(heard).toEqual(range(0, 1000));
    await nextFrame();
    expect(commits.count).toBe(before);
    unmount();
  });

  it('calls the latest callback, and nothing after unmount', async () => {
    const mock = mockServer();
    const heard: string[] = [];
    function Listener({ tag }: { tag: string }) {
      useMessageListener((m) => heard.push(`${tag}:${String(m)}`));
      return null;
    }
    const ui = (tag: string, show = true) => (
      <WebSocketProvider url={mock.url} options={mock.options}>
        {show && <Listener tag={tag} />}
      </WebSocketProvider>
    );
    const { rerender, unmount } = mode.render(ui('first'));
    await connected(mock);
    await inAct(() => mock.send('1'));
    rerender(ui('second'));
    await inAct(() => mock.send('2'));
    rerender(ui('second', false));
    await inAct(() => mock.send('3'));
    expect(heard).toEqual(['first:1', 'second:2']);
    unmount();
  });
});

describeModes('useMessages with nonsensical options', (mode) => {
  it.each<[string, UseMessagesOptions<Data>, RegExp]>([
    ['limit 0', { limit: 0 }, /limit must be a positive integer.*got 0/],
    ['limit -1', { limit: -1 }, /limit .*got -1/],
    ['limit 1.5', { limit: 1.5 }, /limit .*got 1\.5/],
    ['limit NaN', { limit: Number.NaN }, /limit .*got NaN/],
    [
      'throttle -1',
      { throttle: -1 },
      /throttle must be a finite number of milliseconds >= 0.*got -1/,
    ],
    ['throttle NaN', { throttle: Number.NaN }, /throttle .*got NaN/],
    ['throttle Infinity', { throttle: Number.POSITIVE_INFINITY }, /throttle .*got Infinity/],
  ])('throws InvalidOptionError for %s', (_, options, message) => {
    const mock = mockServer();
    function Log() {
      useMessages(options);
      return null;
    }
    const onError = (event: ErrorEvent) => {
      event.preventDefault(); // React rethrows render errors to window; keep the log quiet
    };
    window.addEventListener('error', onError);
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    let thrown: unknown;
    try {
      mode.render(
        <WebSocketProvider url={mock.url} options={mock.options}>
          <Log />
        </WebSocketProvider>,
      );
    } catch (error) {
      thrown = error;
    } finally {
      quiet.mockRestore();
      window.removeEventListener('error', onError);
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as Error).message).toMatch(message);
  });
});
