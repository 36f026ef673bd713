import { keyPath } from '../key-path';
import {
  GLOBAL_IGNORED,
  HTTP_CONFIG_IGNORED,
  PAGERDUTY_IGNORED,
  PAGERDUTY_LITERAL_ONLY,
  RECEIVER_IGNORED,
  SLACK_IGNORED,
  SLACK_LITERAL_ONLY,
  SNS_IGNORED,
  SNS_LITERAL_ONLY,
  TOP_LEVEL_IGNORED,
  UNSUPPORTED_CHANNELS,
  WEBHOOK_IGNORED,
} from './alertmanager-keys';
import { formatDuration, parseDuration } from './duration';
import { isTemplate, type IgnoredKeys } from './key-rules';
import { DEFAULT_TIMEOUT_MS, PAGERDUTY_V1_EVENTS_URL, SERVICE_KEYS } from './receivers';
import { routeWarnings } from './route-warnings';

/**
 * The warnings of a valid configuration: every Alertmanager key it accepts
 * and does not use, with what alertscale does instead, in the order of the
 * file. Read from the document as written (it has passed the schema), since
 * the validated configuration no longer has those keys.
 */

type Fields = Readonly<Record<string, unknown>>;
type KeyWarning = (value: unknown, path: string) => string[];

/** What to say about the keys of one kind of mapping (or of each mapping in a list). */
interface KeySpec {
  readonly ignored?: IgnoredKeys;
  /** Keys honoured only when literal: a Go template is dropped, for this reason. */
  readonly literalOnly?: IgnoredKeys;
  readonly nested?: Readonly<Record<string, KeySpec>>;
  /** Warnings only code can give about one key's value. */
  readonly keyWarnings?: Readonly<Record<string, KeyWarning>>;
  /** Warnings about the mapping as a whole, after its keys'. */
  readonly check?: (value: Fields, path: string) => string[];
}

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (path: string, key: string | number) => keyPath([...(path ? [path] : []), key]);

const zeroTimeout: KeyWarning = (value, path) =>
  typeof value === 'string' && parseDuration(value) === 0
    ? [`${path}: 0s means no timeout to Alertmanager; alertscale keeps its ${formatDuration(DEFAULT_TIMEOUT_MS)} default, so that a send ends within the function's run`]
    : [];

function v1Url(value: Fields, path: string): string[] {
  if (value.url === undefined || !SERVICE_KEYS.some((key) => value[key] !== undefined)) return [];
  return [`${path}.url: not used with a service key: Events API v1 events go to ${PAGERDUTY_V1_EVENTS_URL}, as in Alertmanager`];
}

const unsupported: Record<string, KeyWarning> = Object.fromEntries(
  Object.entries(UNSUPPORTED_CHANNELS).map(([channel, title]) => [
    `${channel}_configs`,
    (value: unknown, path: string) => {
      const count = Array.isArray(value) ? value.length : 0;
      if (count === 0) return [];
      const which = count === 1 ? 'its config is' : `its ${count} configs are`;
      return [`${path}: alertscale has no ${title} channel; ${which} skipped, and recorded as skipped when an alert is routed here`];
    },
  ]),
);

const inhibitRules: KeyWarning = (value, path) => {
  const count = Array.isArray(value) ? value.length : 0;
  if (count === 0) return [];
  return [
    `${path}: accepted but not evaluated (${count} rule${count === 1 ? '' : 's'}): Alertmanager applies them before it sends a notification, so the alerts alertscale receives have already passed them`,
  ];
};

const HTTP_CONFIG: KeySpec = { ignored: HTTP_CONFIG_IGNORED };
const withTimeout = { timeout: zeroTimeout };

const RECEIVER: KeySpec = {
  ignored: RECEIVER_IGNORED,
  nested: {
    pagerduty_configs: { ignored: PAGERDUTY_IGNORED, literalOnly: PAGERDUTY_LITERAL_ONLY, keyWarnings: withTimeout, check: v1Url },
    slack_configs: { ignored: SLACK_IGNORED, literalOnly: SLACK_LITERAL_ONLY, nested: { http_config: HTTP_CONFIG }, keyWarnings: withTimeout },
    sns_configs: { ignored: SNS_IGNORED, literalOnly: SNS_LITERAL_ONLY },
    webhook_configs: { ignored: WEBHOOK_IGNORED, nested: { http_config: HTTP_CONFIG }, keyWarnings: withTimeout },
  },
  keyWarnings: unsupported,
};

const CONFIGURATION: KeySpec = {
  ignored: TOP_LEVEL_IGNORED,
  nested: { global: { ignored: GLOBAL_IGNORED, nested: { http_config: HTTP_CONFIG } }, receivers: RECEIVER },
  keyWarnings: { inhibit_rules: inhibitRules, route: (value) => routeWarnings(value) },
};

function keyWarnings(key: string, value: unknown, path: string, spec: KeySpec): string[] {
  const reason = spec.ignored?.[key];
  if (reason !== undefined) return [`${path}: ${reason}`];
  const literalReason = spec.literalOnly?.[key];
  if (literalReason !== undefined && isTemplate(value)) return [`${path}: ${literalReason}`];
  const own = spec.keyWarnings?.[key]?.(value, path) ?? [];
  const nested = spec.nested?.[key];
  return [...own, ...(nested ? warningsIn(value, path, nested) : [])];
}

function warningsIn(value: unknown, path: string, spec: KeySpec): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => warningsIn(item, at(path, i), spec));
  if (!isFields(value)) return [];
  const own = Object.entries(value).flatMap(([key, inner]) => keyWarnings(key, inner, at(path, key), spec));
  return [...own, ...(spec.check?.(value, path) ?? [])];
}

/** The warnings for a document that passed the configuration schema. */
export function configWarnings(document: unknown): string[] {
  return warningsIn(document, '', CONFIGURATION);
}
