/** The logger every part is given: the part of pino's interface Moor uses. */
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
