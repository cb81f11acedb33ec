import type { ReactNode } from 'react';
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
