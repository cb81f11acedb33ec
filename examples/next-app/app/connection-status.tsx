'use client';

import { useConnectionState } from 'web-socket-client/react';

export function ConnectionStatus() {
  const state = useConnectionState();
  return (
    <p>
      Connection: <output id="connection-state">{state.type}</output>
    </p>
  );
}
