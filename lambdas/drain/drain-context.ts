import { readFile } from 'node:fs/promises';
import { DEFAULT_RETRY, type HttpPostContext } from '../adapters/http/http-post';
import { tlsFetch } from '../adapters/http/tls-fetch';
import { sleep } from '../shared/backoff';
import type { Clock } from '../shared/clock';
import type { Log } from '../shared/log';
import type { SecretResolver } from '../notifier/ports';
import type { DrainSendContext } from './drain-webhook';

/**
 * How drain requests are sent, as the notifier sends webhooks: global
 * `fetch` (node:https for a config with `tls_config`), its retry settings,
 * `*_file` credentials from disk and `*_secret` ones from `secrets`.
 */
export function drainSendContext(options: { readonly secrets: SecretResolver; readonly clock: Clock; readonly log: Log; readonly http?: Partial<HttpPostContext> }): DrainSendContext {
  const http: HttpPostContext = { fetch: globalThis.fetch, retry: DEFAULT_RETRY, sleep, now: Date.now, random: Math.random, ...options.http };
  return { reader: { secrets: options.secrets, readFile: (path) => readFile(path, 'utf8') }, http, tlsFetch, clock: options.clock, log: options.log };
}
