// Reading a Provider's (or a GitRepository's) Secret through the injected reader.
import { err, ok, type Result, type SecretData, type SecretReader } from '../core/index.ts';
import { NotifyErrorCodes, notifyError, type NotifyError } from './errors.ts';

/** The Secret's data; a missing Secret is a failure, not a delivery without credentials. */
export async function readSecretData(
  readSecret: SecretReader,
  ref: { namespace: string; name: string },
  providerId: string,
  signal: AbortSignal,
): Promise<Result<SecretData, NotifyError>> {
  const subject = `Secret ${ref.namespace}/${ref.name}`;
  try {
    const data = await readSecret(ref.namespace, ref.name, signal);
    if (data) return ok(data);
    const info = { provider: providerId, retryable: false };
    return err(notifyError(NotifyErrorCodes.SecretNotFound, info, `${subject} not found`));
  } catch (error) {
    const info = { provider: providerId, retryable: !signal.aborted };
    const message = error instanceof Error ? error.message : String(error);
    const detail = `reading ${subject} failed: ${message}`;
    return err(notifyError(NotifyErrorCodes.SecretNotFound, info, detail, error));
  }
}

/** Every value of the Secret, to mask in messages. */
export function secretValuesOf(data: SecretData | undefined): string[] {
  return data ? Object.values(data) : [];
}
