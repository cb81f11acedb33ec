import { WebSocketClientError } from '../core/index';

/** A hook was called outside the provider of its context. */
export class MissingProviderError extends WebSocketClientError {
  override readonly code = 'MISSING_PROVIDER' as const;
  override readonly name = 'MissingProviderError';
}
