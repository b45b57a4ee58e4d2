/** A Secret's data, decoded from base64: key → text. */
export type SecretData = Readonly<Record<string, string>>;

/**
 * The one port for reading Secrets (source credentials, Provider tokens, Receiver tokens): the
 * decoded data, or undefined when the Secret does not exist or cannot be read. The composition
 * root implements it over the Kubernetes client; tests pass a map.
 */
export type SecretReader = (
  namespace: string,
  name: string,
  signal: AbortSignal,
) => Promise<SecretData | undefined>;
