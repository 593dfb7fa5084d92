import type { Message } from '../message.js';
import { defineEvent } from './event-type.js';

/** A message entered the composite protocol from above (its side B). Senders' order. */
export const msgFromAbove = defineEvent<Message>('msgFromAbove', 'ascending');

/** A message entered the composite protocol from below (its side A). Receivers run in reverse. */
export const msgFromBelow = defineEvent<Message>('msgFromBelow', 'descending');
