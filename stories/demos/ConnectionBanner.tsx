import { useEffect, useState } from 'react';
import { ConstantBackoff, isOpen, type RetryState } from 'web-socket-client';
import {
  useConnectionState,
  useReconnect,
  useRetry,
  useSend,
  WebSocketProvider,
} from 'web-socket-client/react';
import { useChaos } from '../support/chaos';
import { Panel } from '../support/ui';

/** Date.now(), re-read every 200 ms while `running`: enough for a countdown in whole seconds. */
const useNow = (running: boolean): number => {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, [running]);
  return now;
};

/** "1012 server restart": the code and reason of the last close, or what failed. */
const causeOf = ({ lastClose, lastError }: RetryState): string => {
  if (lastClose?.code !== undefined) return `${lastClose.code} ${lastClose.reason}`.trim();
  if (lastError instanceof Error) return lastError.message;
  return 'no close frame';
};

/** The banner an app shows above its content: what happened, and what the client does about it. */
export function Banner() {
  const state = useConnectionState();
  const retry = useRetry();
  const reconnect = useReconnect();
  // retryAt is on the Date.now() clock: the countdown is the time left until it.
  const now = useNow(retry.phase === 'waiting');
  const cause = causeOf(retry);

  let tone: 'ok' | 'warn' | 'error' = 'warn';
  let text: string;
  if (isOpen(state)) {
    tone = 'ok';
    text = retry.lastClose ? `Reconnected after ${cause}` : 'Connected';
  } else if (retry.phase === 'waiting' && retry.retryAt !== undefined) {
    const seconds = Math.max(0, Math.ceil((retry.retryAt - now) / 1000));
    text = `Connection lost (${cause}) — retrying in ${seconds} s (attempt ${retry.attempt})`;
  } else if (retry.phase === 'dialing') {
    text = `Connection lost (${cause}) — reconnecting… (attempt ${retry.attempt})`;
  } else if (retry.phase === 'offline') {
    text = `Connection lost (${cause}) — waiting for the network`;
  } else if (state.type === 'disconnected') {
    tone = 'error';
    text = `Disconnected (${cause})`;
  } else text = 'Connecting…';

  const waiting = retry.phase === 'waiting' || retry.phase === 'offline';
  return (
    <div className="banner" data-tone={tone}>
      <output aria-label="connection banner">{text}</output>
      {waiting || state.type === 'disconnected' ? (
        <button type="button" onClick={reconnect}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}

export interface ConnectionBannerProps {
  /** The backoff between failed attempts, in ms (ConstantBackoff). */
  delay: number;
  /** How long "Restart the server" keeps it down, in ms. */
  downFor: number;
  /** The close code "The server closes" asks for. */
  code: number;
  /** Its reason. */
  reason: string;
}

function ServerControls({ downFor, code, reason }: Omit<ConnectionBannerProps, 'delay'>) {
  const send = useSend();
  return (
    <p className="toolbar">
      <button type="button" onClick={() => send(`__restart:${downFor}`)}>
        Restart the server ({downFor / 1000} s down)
      </button>
      <button type="button" onClick={() => send(`__close:${code}:${reason}`)}>
        The server closes ({code})
      </button>
    </p>
  );
}

export function ConnectionBanner({ delay, ...server }: ConnectionBannerProps) {
  const chaos = useChaos();
  return (
    <WebSocketProvider
      // A new backoff is an object of the same class: a new `delay` needs a new socket.
      key={delay}
      url={chaos.url('/banner')}
      options={{
        WebSocket: chaos.WebSocket,
        backoff: new ConstantBackoff(delay),
        // Every loss is a new outage here: attempt 1 is the immediate retry, then the backoff.
        minUptime: 0,
      }}
    >
      <Panel title="Your app">
        <Banner />
        <ServerControls {...server} />
      </Panel>
    </WebSocketProvider>
  );
}
