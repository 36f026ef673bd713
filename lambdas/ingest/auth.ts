import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

// Hashing both sides first makes the comparison constant-time whatever their lengths.
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Checks an `Authorization` header against the webhook token, in constant time.
 * Alertmanager sends either `Bearer <token>` (`http_config.authorization`) or
 * `Basic base64(user:password)` (`http_config.basic_auth`); for basic auth the
 * password is the token and the user name is not checked.
 */
export function authenticate(header: string | undefined, token: string): AuthResult {
  if (!header) return { ok: false, reason: 'missing Authorization header; send "Authorization: Bearer <token>"' };
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const credentials = space === -1 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer') {
    return sameSecret(credentials, token) ? { ok: true } : { ok: false, reason: 'invalid token' };
  }
  if (scheme === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    return sameSecret(password, token) ? { ok: true } : { ok: false, reason: 'invalid token' };
  }
  return { ok: false, reason: `unsupported authorization scheme "${scheme}"; use Bearer or Basic` };
}

/** `authenticate`, refusing every request when no token is configured: never open by default. */
export function authenticateWithToken(header: string | undefined, token: string | undefined): AuthResult {
  return token ? authenticate(header, token) : { ok: false, reason: 'no token configured' };
}
