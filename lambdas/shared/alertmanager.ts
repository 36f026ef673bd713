import { createHash } from 'node:crypto';
import { en } from 'zod/locales';
import * as z from 'zod/mini';

// zod/mini keeps Lambda bundles small; it ships without messages, so load the English ones once.
z.config(en());

/**
 * Alertmanager's label and annotation sets: string to string. Label names are
 * not restricted further here, because Alertmanager 0.27+ accepts UTF-8 names
 * and a stricter check would drop their alerts for good (a 4xx is never retried).
 */
export const LABEL_SET_DESCRIPTION = 'label set: label name to string value';
export const labelSetSchema = z
  .pipe(
    z
      .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
        error: 'must be an object of string values',
      })
      .check(
        z.superRefine((value, ctx) => {
          for (const [name, labelValue] of Object.entries(value)) {
            if (typeof labelValue !== 'string') ctx.addIssue({ code: 'custom', path: [name], message: 'must be a string', input: labelValue });
          }
        }),
      ),
    // Copied with Object.fromEntries, which defines own properties: a label named `__proto__`
    // survives (an assignment, as a plain record parse does, would set the prototype instead).
    z.transform((value: Record<string, unknown>) => Object.fromEntries(Object.entries(value)) as Record<string, string>),
  )
  .check(z.meta({ description: LABEL_SET_DESCRIPTION }));
export type LabelSet = z.infer<typeof labelSetSchema>;

const timestamp = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' });

/**
 * One alert in an Alertmanager webhook notification (version "4"). Loose, not
 * strict: fields added by newer Alertmanagers are carried along untouched.
 * `fingerprint` is optional because Alertmanager before 0.19 did not send it.
 */
export const webhookAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSetSchema,
  annotations: z._default(labelSetSchema, {}),
  startsAt: timestamp,
  endsAt: z.optional(timestamp),
  generatorURL: z._default(z.string(), ''),
  fingerprint: z.optional(z.string()),
});
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;

/**
 * The body of an Alertmanager webhook notification, version "4" — the only
 * version Alertmanager has ever sent. Unknown fields (`notification_reason`,
 * `routeLabels`, …) are accepted and kept.
 */
export const webhookSchema = z.looseObject({
  version: z.literal('4', { error: 'must be "4", the Alertmanager webhook version' }),
  receiver: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(webhookAlertSchema).check(z.minLength(1, { error: 'must hold at least one alert' })),
  groupLabels: z._default(labelSetSchema, {}),
  commonLabels: z._default(labelSetSchema, {}),
  commonAnnotations: z._default(labelSetSchema, {}),
  externalURL: z._default(z.string(), ''),
  groupKey: z.string(),
  truncatedAlerts: z._default(z.int().check(z.nonnegative()), 0),
});
export type Webhook = z.infer<typeof webhookSchema>;

// FNV-1a 64, as Prometheus' model.LabelsToSignature / LabelSet.Fingerprint compute it.
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;
const SEPARATOR_BYTE = 0xff;

function fnvAdd(hash: bigint, bytes: Uint8Array | number[]): bigint {
  let h = hash;
  for (const byte of bytes) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK_64;
  }
  return h;
}

/**
 * The fingerprint Alertmanager itself gives a label set: FNV-1a 64 over the
 * sorted names and values, each followed by a 0xff separator, as 16 hex digits.
 * Used when a notification carries no `fingerprint`, so that an alert has the
 * same identity whichever Alertmanager version sent it.
 */
export function labelSetFingerprint(labels: LabelSet): string {
  const encoder = new TextEncoder();
  let hash = FNV_OFFSET;
  for (const name of Object.keys(labels).sort()) {
    hash = fnvAdd(hash, encoder.encode(name));
    hash = fnvAdd(hash, [SEPARATOR_BYTE]);
    hash = fnvAdd(hash, encoder.encode(labels[name] ?? ''));
    hash = fnvAdd(hash, [SEPARATOR_BYTE]);
  }
  return hash.toString(16).padStart(16, '0');
}

/** The fingerprint a notification gave the alert, or the one Alertmanager would have. */
export function alertFingerprint(alert: Pick<WebhookAlert, 'labels' | 'fingerprint'>): string {
  return alert.fingerprint && alert.fingerprint.length > 0 ? alert.fingerprint : labelSetFingerprint(alert.labels);
}

/**
 * The identity of one alert occurrence: fingerprint,
 * `startsAt` and status. Every re-send of a group, every HA replica and every
 * retry of the same occurrence gives the same key; the resolve of an occurrence
 * gets its own. Hashed so it is short and safe as a DynamoDB key, a PagerDuty
 * `dedup_key` component and an SQS deduplication id.
 */
export function occurrenceKey(identity: { fingerprint: string; startsAt: string; status: string }): string {
  const digest = createHash('sha256')
    .update(`${identity.fingerprint}\u0000${normaliseTimestamp(identity.startsAt)}\u0000${identity.status}`)
    .digest('hex')
    .slice(0, 32);
  return `${identity.fingerprint}-${digest}`;
}

/**
 * Replicas of one Alertmanager cluster agree on `startsAt` to the nanosecond,
 * but a value may reach us as `…:12.800Z` from one and `…:12.8Z` from another
 * (Go trims trailing zeros). Normalise the fractional part so they compare equal.
 */
export function normaliseTimestamp(value: string): string {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!match) return value;
  const [, head, fraction = '', zone] = match;
  const trimmed = fraction.replace(/0+$/, '');
  return `${head}${trimmed ? `.${trimmed}` : ''}${zone === '+00:00' ? 'Z' : zone}`;
}
