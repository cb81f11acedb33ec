'use client';

import { useMessages } from 'web-socket-client/react';

export function EchoedMessages() {
  // The last 20 messages received since this component mounted, oldest first.
  const messages = useMessages({ limit: 20 });
  return (
    <ol id="messages">
      {messages.map((message, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages carry no id, and a text item holds no state
        <li key={i}>{String(message)}</li>
      ))}
    </ol>
  );
}
