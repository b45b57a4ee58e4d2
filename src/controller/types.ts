/** What the controllers are given: an injected clock and a pino-compatible logger. */
export type Clock = { now(): Date };

export type LogFn = {
  (obj: object, msg?: string): void;
  (msg: string): void;
};

export type Logger = {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
};

export const systemClock: Clock = { now: () => new Date() };
