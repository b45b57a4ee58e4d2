// The shapes payload builders work with: what they are given and the HTTP request they return.

/** An HTTP request, fully built: the dispatcher only sends it. */
export type HttpRequest = {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Exactly the bytes sent (signatures are computed over them). */
  readonly body: string;
};

export type PayloadInput = {
  /** `Provider/<namespace>/<name>`, for error messages. */
  readonly providerId: string;
  /** Where to send: `spec.address`, or the Secret's `address` key when it has one. */
  readonly address: string;
  /** The Provider's `spec.cluster`, else the event's, else the operator's `--cluster-name`. */
  readonly cluster: string;
  /** The Provider's Secret data (`token`, `hmacKey`, …), when it has one. */
  readonly secret?: Readonly<Record<string, string>> | undefined;
};
