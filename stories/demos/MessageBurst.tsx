import { useRef, useState } from 'react';
import {
  useConnectionState,
  useMessageListener,
  useMessages,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from '../support/chaos';
import { LatestMessages, Panel, Stat, StateBadge, useRenderCount } from '../support/ui';

const isBurst = (message: unknown): message is string =>
  typeof message === 'string' && message.startsWith('burst:');

function Burst({ count }: { count: number }) {
  const state = useConnectionState();
  const send = useSend();
  // Counted by a listener: every message, and no render at all.
  const received = useRef(0);
  useMessageListener((message) => {
    if (isBurst(message)) received.current++;
  });
  // Rendered: the newest few, published at most once per frame (and per 30 ms while they keep coming).
  const latest = useMessages({ filter: isBurst, limit: 5 });
  const renders = useRenderCount();
  const [requested, setRequested] = useState(0);

  return (
    <div className="row">
      <Panel title="Burst">
        <p className="toolbar">
          <StateBadge state={state} />
          <button
            type="button"
            onClick={() => {
              setRequested((n) => n + count);
              send(`__burst:${count}`);
            }}
          >
            Request {count.toLocaleString('en')} messages
          </button>
        </p>
        <LatestMessages messages={latest} />
      </Panel>
      <Stat title="Messages received" label="messages received" value={received.current}>
        of {requested.toLocaleString('en')} requested
      </Stat>
      <Stat title="Renders" label="renders" value={renders}>
        renders of this component since it mounted
      </Stat>
    </div>
  );
}

export function MessageBurst({ count }: { count: number }) {
  const chaos = useChaos();
  return (
    <WebSocketProvider url={chaos.url('/burst')} options={{ WebSocket: chaos.WebSocket }}>
      <Burst count={count} />
    </WebSocketProvider>
  );
}
