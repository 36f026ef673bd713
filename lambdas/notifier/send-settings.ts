import type { TlsSettings } from '../adapters/http/tls-fetch';
import { credentialSource, type ChannelConfig } from '../shared/channels';
import type { HttpClientConfig } from '../shared/config/http-config';
import type { ChannelSender, HttpAuth } from './channels/sender';
import { channelCredential, readingCredentials, type CredentialFailure } from './credentials';
import { resolveHttpConfig, type CredentialReader } from './http-config';

/** What a send takes from its config, resolved: the credential, a URL kept in a file, and `http_config`. */
export interface SendSettings {
  readonly credential: string | undefined;
  /** @default - none: the sender has no `url` source */
  readonly url?: string | undefined;
  readonly http: HttpAuth;
  /** Set when the config has `http_config.tls_config`: the send goes through `tlsFetch`. @default - none */
  readonly tls?: TlsSettings | undefined;
}

/** Slack and webhook configs carry an `http_config` (their own, else `global`'s). */
const httpConfigOf = (config: ChannelConfig): HttpClientConfig | undefined => (config as { readonly http_config?: HttpClientConfig }).http_config;

/**
 * Resolves everything a send needs from its config before it can go, or
 * says what to report instead: the channel's credential (`ChannelSender.credential`),
 * a URL that may be kept in a file (`ChannelSender.url`), and the config's
 * `http_config` (its `Authorization` header and TLS settings). Every one is
 * read the same way, so a `_secret` skips the send in local mode, an
 * unreadable secret fails it transiently and an unreadable file permanently.
 */
export async function sendSettings(sender: ChannelSender, config: ChannelConfig, reader: CredentialReader): Promise<{ readonly settings: SendSettings } | CredentialFailure> {
  let credential: string | undefined;
  if (sender.credential) {
    const resolved = await channelCredential(credentialSource(sender.channel, config), sender.credential, reader.secrets, reader.readFile);
    if ('outcome' in resolved) return resolved;
    credential = resolved.value;
  }
  let url: string | undefined;
  if (sender.url) {
    const resolved = await channelCredential(sender.url(config), { what: 'url', required: true }, reader.secrets, reader.readFile);
    if ('outcome' in resolved) return resolved;
    url = resolved.value;
  }
  const http = await readingCredentials(() => resolveHttpConfig(httpConfigOf(config), reader));
  if ('outcome' in http) return http;
  return { settings: { credential, url, http: http.value.auth, tls: http.value.tls } };
}
