import type { PostFetch } from '../adapters/http/http-post';
import type { TlsSettings } from '../adapters/http/tls-fetch';
import { channelConfig, type ChannelConfig, type NotifyChannel } from '../shared/channels';
import type { Clock } from '../shared/clock';
import type { Config } from '../shared/config/schema';
import type { Log } from '../shared/log';
import { SENDERS } from './channels';
import type { ChannelSender, SendContext, SendOutcome } from './channels/sender';
import type { NotifyItem } from './items';
import type { SecretResolver, SendStore } from './ports';
import { plainTextNotification } from './render';
import type { ItemResult } from './reporting';
import { sendSettings } from './send-settings';
import { keyOfRequest, type SendUnit } from './send-units';

/** What deciding and sending one unit needs from the notifier's dependencies. */
export interface UnitDeps {
  readonly config: Config;
  readonly sends: SendStore;
  readonly secrets: SecretResolver;
  readonly readFile: (path: string) => Promise<string>;
  /** The `fetch` for a config with `http_config.tls_config`. */
  readonly tlsFetch: (tls: TlsSettings) => PostFetch;
  readonly clock: Clock;
  readonly log: Log;
}

const skipped = (reason: string, dedupKey: string): SendOutcome => ({ outcome: 'skipped', transient: false, reason, attempts: 0, dedupKey });

/** Says in the log what a channel that cannot send would have said: local mode's console output. */
function logUnsent(log: Log, unit: SendUnit, items: readonly NotifyItem[], reason: string): void {
  const { subject, body } = plainTextNotification(items);
  log.info(`${unit.channel} notification not sent (${reason})`, { receiver: unit.receiver, channel: unit.channel, reason, subject, body });
}

/** Resolves what the config names (credential, URL file, `http_config`), then sends with the channel's sender. */
async function send(deps: UnitDeps, unit: SendUnit, config: ChannelConfig, items: readonly NotifyItem[], context: SendContext): Promise<SendOutcome> {
  const sender = SENDERS[unit.channel] as ChannelSender<NotifyChannel>;
  const dedupKey = sender.dedupKey(items);
  const resolved = await sendSettings(sender, config, { secrets: deps.secrets, readFile: deps.readFile });
  if ('outcome' in resolved) {
    if (resolved.unsent) logUnsent(deps.log, unit, items, resolved.unsent);
    return { ...resolved.outcome, dedupKey };
  }
  const { credential, url, http, tls } = resolved.settings;
  // Global fetch takes no TLS options: a config with tls_config is posted through node:https.
  const sendContext = tls ? { ...context, http: { ...context.http, fetch: deps.tlsFetch(tls) } } : context;
  return sender.send({ requests: items, receiver: unit.receiver, configIndex: unit.configIndex, config, credential, url, http, dedupKey }, sendContext);
}

/** Items a previous delivery already sent are answered from the send store, never sent again. */
async function alreadySent(deps: UnitDeps, unit: SendUnit, results: Map<string, ItemResult>): Promise<NotifyItem[]> {
  const items = [...unit.items.values()];
  const found = await Promise.all(items.map((item) => deps.sends.find({ decisionId: item.decisionId, actionId: item.action.actionId }, deps.clock())));
  const pending = items.filter((item, i) => {
    const record = found[i];
    if (record) results.set(keyOfRequest(item), { outcome: { outcome: 'sent', transient: false, reason: 'already delivered; not sent again', attempts: record.attempts, dedupKey: record.dedupKey }, fresh: false });
    return !record;
  });
  if (pending.length < items.length) {
    deps.log.info('redelivered requests already sent; not sending them again', { channel: unit.channel, receiver: unit.receiver, count: items.length - pending.length });
  }
  return pending;
}

/**
 * What each item of a unit comes to: already sent, no such config (a request
 * made under an older configuration), not wanted because resolved and
 * `send_resolved` is false, or the outcome of one send for all the rest.
 */
export async function resultsOfUnit(deps: UnitDeps, unit: SendUnit, context: SendContext): Promise<Map<string, ItemResult>> {
  const results = new Map<string, ItemResult>();
  const pending = await alreadySent(deps, unit, results);
  if (pending.length === 0) return results;
  const sender = SENDERS[unit.channel] as ChannelSender<NotifyChannel>;
  const config = channelConfig(deps.config, unit.receiver, unit.channel, unit.configIndex);
  if (config === undefined) {
    const reason = `receiver "${unit.receiver}" has no ${unit.channel}_configs[${unit.configIndex}] in this configuration`;
    deps.log.error('notify request names a channel config that does not exist', { receiver: unit.receiver, channel: unit.channel, configIndex: unit.configIndex });
    for (const item of pending) results.set(keyOfRequest(item), { outcome: { outcome: 'failed', transient: false, reason, attempts: 0, dedupKey: sender.dedupKey([item]) }, fresh: true });
    return results;
  }
  const wanted = pending.filter((item) => item.alert.status === 'firing' || config.send_resolved);
  for (const item of pending.filter((i) => !wanted.includes(i))) {
    results.set(keyOfRequest(item), { outcome: skipped('resolved, and send_resolved is false', sender.dedupKey([item])), fresh: true });
  }
  if (wanted.length === 0) return results;
  const outcome = await send(deps, unit, config, wanted, context);
  for (const item of wanted) results.set(keyOfRequest(item), { outcome, fresh: true });
  const extra = { channel: unit.channel, receiver: unit.receiver, alertname: wanted[0]?.alert.labels.alertname, alerts: wanted.length, outcome: outcome.outcome, reason: outcome.reason, attempts: outcome.attempts, dedupKey: outcome.dedupKey };
  if (outcome.outcome === 'failed') deps.log.warn('notification failed', { ...extra, willRetry: outcome.transient });
  else deps.log.info(`notification ${outcome.outcome}`, extra);
  return results;
}
