/**
 * Base of every typed error in Moor: a stable `code`, structured `data`, and a message that
 * names its subject (an object id, a revision, `file:line:col`).
 */
export class MoorError<Code extends string = string, Data extends object = object> extends Error {
  readonly code: Code;
  readonly data: Data;

  constructor(code: Code, message: string, data: Data, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}
