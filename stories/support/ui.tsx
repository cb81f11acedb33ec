import { type ReactNode, useRef } from 'react';
import type { ConnectionState } from 'web-socket-client';
import { useChaos } from './chaos';

/** The connection state as a coloured badge; `aria-label` names it for the play functions. */
export function StateBadge({
  state,
  label = 'connection state',
}: {
  state: ConnectionState;
  label?: string;
}) {
  return (
    <output className="badge" data-state={state.type} aria-label={label}>
      {state.type}
    </output>
  );
}

export function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="panel" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Which server the stories talk to: the real chaos server, or the in-page mock. */
export function ServerBanner() {
  const chaos = useChaos();
  return (
    <p className="server" data-mode={chaos.mode}>
      {chaos.mode === 'server' ? 'Chaos server: ' : 'No server: '}
      <code>{chaos.label}</code>
    </p>
  );
}

/** A big number in a panel of its own; `label` names it for the play functions. */
export function Stat({
  title,
  label,
  value,
  children,
}: {
  title: string;
  label: string;
  value: number;
  children: ReactNode;
}) {
  return (
    <Panel title={title}>
      <output className="stat" aria-label={label}>
        {value.toLocaleString('en')}
      </output>
      <p>{children}</p>
    </Panel>
  );
}

/** The newest messages, as the list the play functions read. */
export function LatestMessages({ messages }: { messages: readonly unknown[] }) {
  return (
    <ul className="messages" aria-label="latest messages">
      {messages.map((message) => (
        <li key={String(message)}>{String(message)}</li>
      ))}
    </ul>
  );
}

/** How many times the calling component has rendered, this render included. */
export const useRenderCount = (): number => {
  const renders = useRef(0);
  renders.current++;
  return renders.current;
};
