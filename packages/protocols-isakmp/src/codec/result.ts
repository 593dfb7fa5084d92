/** Decoders return this union and never throw on malformed bytes. */
import type { IsakmpDecodeError } from '../errors.js';

export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: IsakmpDecodeError };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
export const fail = (
  error: IsakmpDecodeError,
): { readonly ok: false; readonly error: IsakmpDecodeError } => ({ ok: false, error });
