/**
 * Keeping secrets out of logs and error messages. A Slack incoming-webhook URL
 * is itself the credential (its path), a control-plane URL may carry a token in
 * its query, and a peer's error body could echo what we sent; so everything
 * that describes a peer goes through these before it is logged or recorded.
 */

/** The scheme and host of a URL, never its path, query or user info: `https://hooks.slack.com`. */
export function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** Replaces every occurrence of each known secret in `text` with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; real keys and URLs are long.
    if (secret === undefined || secret.length < 6) continue;
    result = result.split(secret).join('[redacted]');
  }
  return result;
}

/**
 * OpenSSL's and Node's codes for a server certificate that could not be
 * verified (untrusted issuer, self-signed, expired, wrong name), as
 * `fetch` and `node:https` put them on the error's cause.
 */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|HOSTNAME_MISMATCH/;

/**
 * A one-line description of a thrown value that is safe to log: the error's
 * name and, for network failures, the system or TLS error code of its cause
 * (`ECONNREFUSED`; `TLS certificate error (SELF_SIGNED_CERT_IN_CHAIN)`, so
 * that a missing `ca_file` reads as what it is), never a message that might
 * quote a request.
 */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
  const cause = (error as Error & { cause?: unknown }).cause as { code?: unknown; name?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : typeof cause?.name === 'string' ? cause.name : undefined;
  if (code !== undefined && CERTIFICATE_ERROR.test(code)) return `TLS certificate error (${code})`;
  return code ? `network error (${code})` : `network error (${error.name})`;
}
