/**
 * The page every tab of the Chromium test loads: one SharedWebSocket with the browser's own Web
 * Locks, BroadcastChannel and WebSocket, and a log of what it heard, read by the test.
 * Its query: `ws` (the server's URL), `channel`, `backoff` (ms of a ConstantBackoff).
 */
import { ConstantBackoff } from '../../../src/core';
import { SharedWebSocket } from '../../../src/tabs';

const query = new URLSearchParams(location.search);
const socket = new SharedWebSocket<string, string>(query.get('ws') as string, {
  channel: query.get('channel') as string,
  backoff: new ConstantBackoff(Number(query.get('backoff') ?? 2000)),
});

const log = { states: [] as string[], roles: [] as string[], messages: [] as string[] };
socket.connection.subscribe((state) =>
  log.states.push(
    state.type === 'disconnected' ? `disconnected ${state.code ?? ''}`.trim() : state.type,
  ),
);
socket.role.subscribe((role) => log.roles.push(role));
socket.messages.subscribe((message) => log.messages.push(message));

Object.assign(globalThis, { socket, log });
