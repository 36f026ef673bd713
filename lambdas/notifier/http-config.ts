import type { SecureVersion } from 'node:tls';
import type { TlsSettings } from '../adapters/http/tls-fetch';
import type { HttpClientConfig } from '../shared/config/http-config';
import type { HttpAuth } from './channels/sender';
import { resolveCredential } from './credentials';
import type { SecretResolver } from './ports';

/**
 * A Slack or webhook config's `http_config`, resolved at send time the way
 * every channel credential is (inline, `_file`, `_secret`): the
 * `Authorization` header it asks for and the TLS settings of its client.
 * Alertmanager's rules hold: `authorization` sends `<type> <credentials>`
 * (nothing without credentials), `basic_auth` sends `Basic` with the
 * username and password (either may be empty), and `tls_config` replaces the
 * trusted roots with `ca`, presents `cert` and `key`, checks `server_name`.
 */

/** What an `http_config` comes to for one send. */
export interface HttpClientSettings {
  readonly auth: HttpAuth;
  /** @default - none: the default `fetch`, with the system's trust roots */
  readonly tls?: TlsSettings | undefined;
}

/** How a read credential is reached. */
export interface CredentialReader {
  readonly secrets: SecretResolver;
  readonly readFile: (path: string) => Promise<string>;
}

type Authorization = NonNullable<HttpClientConfig['authorization']>;
type BasicAuth = NonNullable<HttpClientConfig['basic_auth']>;
type TlsConfig = NonNullable<HttpClientConfig['tls_config']>;

const NO_AUTH: HttpAuth = { secrets: [] };

const TLS_VERSIONS: Readonly<Record<NonNullable<TlsConfig['min_version']>, SecureVersion>> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

async function bearerAuth(authorization: Authorization, reader: CredentialReader): Promise<HttpAuth> {
  const source = { key: 'authorization.credentials', inline: authorization.credentials, file: authorization.credentials_file, secret: authorization.credentials_secret };
  const credentials = await resolveCredential(source, reader.secrets, reader.readFile);
  if (credentials === undefined) return NO_AUTH;
  const header = `${authorization.type} ${credentials}`;
  return { authorization: header, secrets: [credentials, header] };
}

async function basicAuth(basic: BasicAuth, reader: CredentialReader): Promise<HttpAuth> {
  const username = (await resolveCredential({ key: 'basic_auth.username', inline: basic.username, file: basic.username_file }, reader.secrets, reader.readFile)) ?? '';
  const passwordSource = { key: 'basic_auth.password', inline: basic.password, file: basic.password_file, secret: basic.password_secret };
  const password = (await resolveCredential(passwordSource, reader.secrets, reader.readFile)) ?? '';
  const token = Buffer.from(`${username}:${password}`).toString('base64');
  return { authorization: `Basic ${token}`, secrets: [password, token] };
}

/** PEM given inline or in a file. */
const pem = (inline: string | undefined, file: string | undefined, reader: CredentialReader) => resolveCredential({ inline, file }, reader.secrets, reader.readFile);

async function tlsSettings(tls: TlsConfig, reader: CredentialReader): Promise<TlsSettings> {
  return {
    ca: await pem(tls.ca, tls.ca_file, reader),
    cert: await pem(tls.cert, tls.cert_file, reader),
    key: await pem(tls.key, tls.key_file, reader),
    servername: tls.server_name,
    rejectUnauthorized: !tls.insecure_skip_verify,
    minVersion: tls.min_version && TLS_VERSIONS[tls.min_version],
    maxVersion: tls.max_version && TLS_VERSIONS[tls.max_version],
  };
}

/**
 * Resolves an `http_config` (absent: nothing to add). Throws what
 * `resolveCredential` throws; `readingCredentials` turns that into the
 * send's outcome.
 */
export async function resolveHttpConfig(http: HttpClientConfig | undefined, reader: CredentialReader): Promise<HttpClientSettings> {
  if (http === undefined) return { auth: NO_AUTH };
  const auth = http.authorization ? await bearerAuth(http.authorization, reader) : http.basic_auth ? await basicAuth(http.basic_auth, reader) : NO_AUTH;
  return { auth, ...(http.tls_config ? { tls: await tlsSettings(http.tls_config, reader) } : {}) };
}
