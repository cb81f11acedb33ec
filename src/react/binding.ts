import { type Context, createContext, useContext, useInsertionEffect, useRef } from 'react';
import type { Data } from '../core/index';
import { MissingProviderError } from './errors';
import type { SocketHandle } from './socket-handle';

/** One React context and the provider name its errors cite: what every hook is bound to. */
export interface Binding<In = Data, Out = Data> {
  readonly Context: Context<SocketHandle<In, Out> | null>;
  readonly name: string;
}

export const createBinding = <In, Out>(name: string): Binding<In, Out> => {
  const Context = createContext<SocketHandle<In, Out> | null>(null);
  Context.displayName = name;
  return { Context, name };
};

export const useHandle = <In, Out>(
  { Context, name }: Binding<In, Out>,
  hook: string,
): SocketHandle<In, Out> => {
  const handle = useContext(Context);
  if (!handle) {
    throw new MissingProviderError(
      __DEV__
        ? `${hook} must be used inside <${name}>: wrap this component in <${name} url="wss://…">.`
        : `${hook} <${name}>`,
    );
  }
  return handle;
};

/** The provider's current handle, through a ref of stable identity: it survives a replaced socket. */
export const useLatestHandle = <In, Out>(binding: Binding<In, Out>, hook: string) => {
  const handle = useHandle(binding, hook);
  const current = useRef(handle);
  useInsertionEffect(() => {
    current.current = handle;
  });
  return current;
};
