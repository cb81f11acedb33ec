'use client';

import { useState } from 'react';
import { useSend } from 'web-socket-client/react';

export function SendBox() {
  const send = useSend();
  const [text, setText] = useState('');
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        // true: sent, or queued until the connection opens; false: dropped.
        if (send(text)) setText('');
      }}
    >
      <input
        id="message"
        aria-label="Message"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit">Send</button>
    </form>
  );
}
