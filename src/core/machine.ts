import {
  Connected,
  type ConnectionState,
  Disconnected,
  type DisconnectedInit,
  Disconnecting,
  Reconnected,
  Reconnecting,
} from './states';

export type MachineEvent =
  /** The transport opened (and the `onOpen` gate, if any, passed). */
  | { type: 'open' }
  /** The open connection was lost, or an attempt failed; `retry` says whether we go on. */
  | ({ type: 'lost'; retry: boolean } & DisconnectedInit)
  /** The retry budget is spent. */
  | { type: 'giveUp' }
  /** The caller asked to close. */
  | { type: 'close'; code?: number | undefined; reason?: string | undefined }
  /** The transport finished closing after a `close` from an open state. */
  | { type: 'closed'; code?: number | undefined; reason?: string | undefined };

const CONNECTED = new Connected();
const RECONNECTED = new Reconnected();
const RECONNECTING = new Reconnecting();
const DISCONNECTING = new Disconnecting();

/**
 * The one place that decides transitions: state × event → the states passed through, in order
 * (empty when the event changes nothing). Pure, so every rule of the seed is testable on its own.
 */
export const transition = (state: ConnectionState, event: MachineEvent): ConnectionState[] => {
  const s = state.type;
  if (s === 'disconnected') return [];
  switch (event.type) {
    case 'open':
      return s === 'connecting' ? [CONNECTED] : s === 'reconnecting' ? [RECONNECTED] : [];
    case 'lost':
      // Failed reconnect attempts are invisible: one Reconnecting per episode (seed §2.2).
      if (s === 'reconnecting' || s === 'disconnecting') return [];
      return event.retry ? [new Disconnected(event), RECONNECTING] : [new Disconnected(event)];
    case 'giveUp':
      return [new Disconnected({ code: 1006, reason: 'connection timeout' })];
    case 'close':
      if (s === 'disconnecting') return [];
      return s === 'connected' || s === 'reconnected'
        ? [DISCONNECTING]
        : [new Disconnected({ code: event.code, reason: event.reason })];
    case 'closed':
      return s === 'disconnecting'
        ? [new Disconnected({ code: event.code, reason: event.reason })]
        : [];
  }
};
