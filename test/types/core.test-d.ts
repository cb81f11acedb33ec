import { describe, expectTypeOf, test } from 'vitest';
import WS from 'ws';
import {
  type Backoff,
  BinaryExponentialBackoff,
  type Codec,
  Connected,
  type ConnectionState,
  ConstantBackoff,
  type Data,
  Disconnected,
  InvalidUrlError,
  isOpen,
  json,
  NoWebSocketError,
  type Reconnected,
  SocketEndedError,
  WebSocket,
  type WebSocketImplementation,
  type WebSocketOptions,
  withJitter,
} from '../../src/core/index';

type In = { type: 'chat'; from: string; text: string } | { type: 'joined'; name: string };
type Out = { type: 'say'; text: string };

describe('core types', () => {
  test('a json codec types the socket: In and Out are inferred', () => {
    const socket = new WebSocket('wss://example.com', { codec: json<In, Out>() });
    expectTypeOf(socket).toEqualTypeOf<WebSocket<In, Out>>();
    expectTypeOf(socket.send).parameter(0).toEqualTypeOf<Out>();
    expectTypeOf(socket.send).returns.toEqualTypeOf<boolean>();
    socket.messages.subscribe((message) => {
      expectTypeOf(message).toEqualTypeOf<In>();
    });
    expectTypeOf(socket.queued).toEqualTypeOf<readonly Out[]>();
    socket.send({ type: 'say', text: 'hi' });
    // @ts-expect-error a raw string is not an Out
    socket.send('hi');
    // @ts-expect-error an incoming shape is not an outgoing one
    socket.send({ type: 'chat', from: 'a', text: 'b' });
  });

  test('without a codec the socket sends and receives Data', () => {
    const socket = new WebSocket('wss://example.com');
    expectTypeOf(socket).toEqualTypeOf<WebSocket<Data, Data>>();
    socket.send('text');
    socket.send(new Uint8Array(2));
    socket.send(new ArrayBuffer(2));
    // @ts-expect-error a number is not a frame
    socket.send(42);
    // @ts-expect-error an object needs a codec
    socket.send({ type: 'say' });
  });

  test('options are checked against the socket types', () => {
    const options: WebSocketOptions<In, Out> = {
      codec: json<In, Out>(),
      onOpen: ({ send }) => send({ type: 'say', text: 'resubscribe' }),
      onDrop: (data, reason) => {
        expectTypeOf(data).toEqualTypeOf<Out>();
        expectTypeOf(reason).toEqualTypeOf<'expired' | 'closed'>();
      },
      shouldReconnect: ({ code }) => code !== 4401,
    };
    expectTypeOf(new WebSocket('wss://example.com', options)).toEqualTypeOf<WebSocket<In, Out>>();
    // @ts-expect-error onOpen sends Out, not strings
    const wrong: WebSocketOptions<In, Out> = { onOpen: ({ send }) => send('hello') };
    // @ts-expect-error a codec of other types does not fit
    const swapped: WebSocketOptions<In, Out> = { codec: json<Out, In>() };
    expectTypeOf(json<In, Out>()).toEqualTypeOf<Codec<In, Out>>();
    void wrong;
    void swapped;
  });

  test('the url may be a string, a URL or a (possibly async) provider', () => {
    new WebSocket(new URL('wss://example.com'));
    new WebSocket(() => 'wss://example.com');
    new WebSocket(async () => new URL('wss://example.com'));
    // @ts-expect-error a number is not a url
    new WebSocket(8080);
  });

  test('switch (state.type) narrows each state', () => {
    const describe = (state: ConnectionState): string => {
      switch (state.type) {
        case 'connecting':
        case 'connected':
        case 'reconnecting':
        case 'reconnected':
        case 'disconnecting':
          // @ts-expect-error only Disconnected has a code
          return String(state.code);
        case 'disconnected':
          expectTypeOf(state).toEqualTypeOf<Disconnected>();
          expectTypeOf(state.code).toEqualTypeOf<number | undefined>();
          expectTypeOf(state.reason).toEqualTypeOf<string | undefined>();
          return `${state.code}`;
        default:
          expectTypeOf(state).toBeNever();
          return state;
      }
    };
    expectTypeOf(describe).toBeFunction();
  });

  test('instanceof narrows, as in Dart; isOpen narrows to the open states', () => {
    const state = new WebSocket('wss://example.com').connection.state;
    if (state instanceof Disconnected) {
      expectTypeOf(state.code).toEqualTypeOf<number | undefined>();
      expectTypeOf(state.error).toEqualTypeOf<unknown>();
    }
    if (state instanceof Connected) expectTypeOf(state.type).toEqualTypeOf<'connected'>();
    if (isOpen(state)) expectTypeOf(state).toEqualTypeOf<Connected | Reconnected>();
    expectTypeOf(new WebSocket('wss://example.com').connection.firstWhere(isOpen)).toEqualTypeOf<
      Promise<Connected | Reconnected>
    >();
    expectTypeOf(state.type).toEqualTypeOf<
      'connecting' | 'connected' | 'reconnecting' | 'reconnected' | 'disconnecting' | 'disconnected'
    >();
  });

  test("the ws package's client is accepted as the implementation", () => {
    expectTypeOf(WS).toExtend<WebSocketImplementation>();
    const socket = new WebSocket('ws://127.0.0.1:8080', {
      WebSocket: WS,
      headers: { authorization: 'Bearer token' },
    });
    expectTypeOf(socket).toEqualTypeOf<WebSocket<Data, Data>>();
    expectTypeOf(globalThis.WebSocket).toExtend<WebSocketImplementation>();
    // @ts-expect-error any constructor is not a WebSocket implementation
    new WebSocket('wss://example.com', { WebSocket: Map });
  });

  test('backoffs share one interface; errors carry literal codes', () => {
    expectTypeOf(new ConstantBackoff(100)).toExtend<Backoff>();
    expectTypeOf(
      withJitter(new BinaryExponentialBackoff({ initial: 100, maximumStep: 7 })),
    ).toExtend<Backoff>();
    expectTypeOf(new InvalidUrlError('').code).toEqualTypeOf<'INVALID_URL'>();
    expectTypeOf(new NoWebSocketError('').code).toEqualTypeOf<'NO_WEBSOCKET'>();
    expectTypeOf(new SocketEndedError('').code).toEqualTypeOf<'SOCKET_ENDED'>();
    // @ts-expect-error close codes are numbers
    new WebSocket('wss://example.com').close('1000');
  });
});
