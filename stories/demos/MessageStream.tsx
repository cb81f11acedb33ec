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

const isStream = (message: unknown): message is string =>
  typeof message === 'string' && message.startsWith('stream:');

export interface StreamArgs {
  /** Messages a second the server sends. */
  rate: number;
  seconds: number;
  /** `useMessages`' throttle: least ms between two renders while messages keep coming. */
  throttle: number;
}

function Stream({ rate, seconds, throttle }: StreamArgs) {
  const state = useConnectionState();
  const send = useSend();
  const received = useRef(0);
  useMessageListener((message) => {
    if (isStream(message)) received.current++;
  });
  const latest = useMessages({ filter: isStream, limit: 5, throttle });
  // Counted since the stream started: the counts at its start are the base.
  const renders = useRenderCount();
  const [base, setBase] = useState<{ renders: number; received: number } | null>(null);
  const count = Math.round(rate * seconds);
  const sinceStart = base ? renders - base.renders : 0;
  const messages = base ? received.current - base.received : 0;

  return (
    <div className="row">
      <Panel title="Stream">
        <p className="toolbar">
          <StateBadge state={state} />
          <button
            type="button"
            onClick={() => {
              setBase({ renders, received: received.current });
              send(`__stream:${rate}:${seconds * 1000}`);
            }}
          >
            Stream {count.toLocaleString('en')} messages over {seconds} s
          </button>
        </p>
        <LatestMessages messages={latest} />
      </Panel>
      <Stat title="Messages received" label="messages received" value={messages}>
        since the stream started, counted by a listener that never renders
      </Stat>
      <Stat title="Renders" label="renders" value={sinceStart}>
        renders since the stream started:{' '}
        {throttle ? `at most one per ${throttle} ms` : 'one per frame'}, not one per message
      </Stat>
    </div>
  );
}

export function MessageStream(args: StreamArgs) {
  const chaos = useChaos();
  return (
    <WebSocketProvider url={chaos.url('/stream')} options={{ WebSocket: chaos.WebSocket }}>
      <Stream {...args} />
    </WebSocketProvider>
  );
}
