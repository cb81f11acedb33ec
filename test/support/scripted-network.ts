import type { Data, Scheduler, Transport, WebSocketImplementation } from '../../src/core';

type Handler = ((event: never) => void) | null;
type Fire = (handler: Handler, event: object) => void;
const fire: Fire = (handler, event) => (handler as ((event: object) => void) | null)?.(event);

/**
 * One server behind a scripted network, on a `Scheduler` (a virtual clock): every socket the
 * client builds learns its fate `latency` ms after construction, as a handshake over a network
 * would. While the server is up the socket opens; while it is down the attempt fails the way a
 * browser reports a refused connection (an `error`, then `close` 1006). `drop()` cuts every open
 * connection (close 1006, no close frame). Messages are not modelled.
 */
export class ScriptedNetwork {
  /** Whether the server accepts connections. */
  up = true;
  /** Sockets built, in order. */
  attempts = 0;
  /** The clock times at which the server accepted a connection, in order. */
  readonly accepted: number[] = [];
  /** Connections open now. */
  readonly open = new Set<ScriptedSocket>();
  /** Pass as the `WebSocket` option. */
  readonly WebSocket: WebSocketImplementation;

  constructor(
    readonly clock: Scheduler,
    readonly latency = 1,
  ) {
    const network = this;
    this.WebSocket = class extends ScriptedSocket {
      constructor(url: string) {
        super(network, url);
      }
    };
  }

  /** The server is lost: every open connection closes abnormally, at once. */
  drop(): void {
    for (const socket of [...this.open]) socket.lost();
  }
}

export class ScriptedSocket implements Transport {
  readyState = 0;
  readonly protocol = '';
  binaryType = 'blob';
  onopen: Handler = null;
  onmessage: Handler = null;
  onclose: Handler = null;
  onerror: Handler = null;

  constructor(
    private readonly network: ScriptedNetwork,
    readonly url: string,
  ) {
    network.attempts++;
    network.clock.setTimeout(() => this.handshake(), network.latency);
  }

  send(_data: Data): void {
    if (this.readyState === 0) throw new Error('InvalidStateError: still connecting');
  }

  /** As a browser: closing a socket still connecting fails it; an open one does the handshake. */
  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return;
    const wasOpen = this.readyState === 1;
    this.readyState = 2;
    this.network.clock.setTimeout(() => {
      this.end();
      if (!wasOpen) fire(this.onerror, {});
      fire(this.onclose, wasOpen ? { code, reason, wasClean: true } : { code: 1006, reason: '' });
    }, this.network.latency);
  }

  lost(): void {
    this.end();
    fire(this.onclose, { code: 1006, reason: '', wasClean: false });
  }

  private handshake(): void {
    if (this.readyState !== 0) return; // closed by the client meanwhile
    const network = this.network;
    if (network.up) {
      this.readyState = 1;
      network.open.add(this);
      network.accepted.push(network.clock.now());
      fire(this.onopen, {});
    } else {
      this.readyState = 3;
      fire(this.onerror, {});
      fire(this.onclose, { code: 1006, reason: '', wasClean: false });
    }
  }

  private end(): void {
    this.readyState = 3;
    this.network.open.delete(this);
  }
}
