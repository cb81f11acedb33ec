import { describe, expectTypeOf, it } from 'vitest';
import { type Data, json, type WebSocketLike } from '../../src/core';
import { type Role, SharedWebSocket, sharedSocket } from '../../src/tabs';

interface In {
  kind: 'in';
}
interface Out {
  kind: 'out';
}

describe('SharedWebSocket types', () => {
  it('has the shape the React layer takes, with the codec’s types', () => {
    const socket = new SharedWebSocket('wss://x.test', { channel: 'c', codec: json<In, Out>() });
    expectTypeOf(socket).toMatchTypeOf<WebSocketLike<In, Out>>();
    expectTypeOf(socket.send).parameter(0).toEqualTypeOf<Out>();
    expectTypeOf(socket.role.state).toEqualTypeOf<Role>();
    // @ts-expect-error: a channel is required
    new SharedWebSocket('wss://x.test', {});
  });

  it('the factory infers In and Out from the options', () => {
    const create = sharedSocket('c');
    expectTypeOf(create('wss://x.test', { codec: json<In, Out>() })).toEqualTypeOf<
      SharedWebSocket<In, Out>
    >();
    expectTypeOf(create('wss://x.test')).toEqualTypeOf<SharedWebSocket<Data, Data>>();
  });
});
