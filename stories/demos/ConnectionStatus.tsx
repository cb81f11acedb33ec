import {
  useConnectionState,
  useReconnect,
  useSend,
  useWebSocket,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from '../support/chaos';
import { TimelineView, useStateTimeline } from '../support/timeline';
import { Panel, StateBadge } from '../support/ui';

export interface ConnectionStatusProps {
  /** The close code the server is asked to close with. */
  code: number;
  /** Its reason. */
  reason: string;
}

function ConnectionStatus({ code, reason }: ConnectionStatusProps) {
  const socket = useWebSocket();
  const state = useConnectionState();
  const send = useSend();
  const reconnect = useReconnect();
  // The core's own subscription sees every state, even two in one task (Disconnected, then
  // Reconnecting), which React would batch into one render.
  const timeline = useStateTimeline(socket);
  const ended = state.type === 'disconnected';
  return (
    <div className="row">
      <Panel title="Connection">
        <p>
          <StateBadge state={state} />
        </p>
        <div className="toolbar">
          <button type="button" disabled={ended} onClick={() => send(`__close:${code}:${reason}`)}>
            Server closes ({code})
          </button>
          <button
            type="button"
            disabled={ended}
            onClick={() => socket?.close(1000, 'closed by the user')}
          >
            Close (1000)
          </button>
          <button type="button" disabled={!ended} onClick={reconnect}>
            Connect again
          </button>
        </div>
        <p>
          <code>useConnectionState()</code> renders the current state;
          <code> socket.connection.subscribe</code> feeds the timeline, one entry per state.
        </p>
      </Panel>
      <Panel title="Timeline">
        <TimelineView timeline={timeline} />
      </Panel>
    </div>
  );
}

export function ConnectionStatusDemo(props: ConnectionStatusProps) {
  const chaos = useChaos();
  return (
    <WebSocketProvider url={chaos.url('/status')} options={{ WebSocket: chaos.WebSocket }}>
      <ConnectionStatus {...props} />
    </WebSocketProvider>
  );
}
