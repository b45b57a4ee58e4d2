/** What the controllers are given: an injected clock and a pino-compatible logger. */
import type { Clock } from '../core/index.ts';

export type { Clock, LogFn, Logger } from '../core/index.ts';

export const systemClock: Clock = { now: () => new Date() };
