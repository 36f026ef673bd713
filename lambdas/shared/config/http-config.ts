import { z } from 'zod';
import { HTTP_CONFIG_IGNORED } from './alertmanager-keys';
import { atMostOne, ignoredShape } from './key-rules';

/**
 * Alertmanager's `<http_config>` (Prometheus' HTTP client settings) for the
 * Slack and webhook channels: the credentials and TLS settings alertscale's
 * HTTP client can use, read with Alertmanager's rules (at most one way to
 * authenticate; `bearer_token` is the old spelling of `authorization`).
 * Besides Alertmanager's keys, a credential may be named by Secrets Manager
 * secret (`credentials_secret`, `password_secret`) for AWS.
 */

const text = z.string().min(1, { message: 'must not be empty' });

const authorizationSchema = z
  .strictObject({
    type: z.string().trim().default('Bearer'),
    credentials: text.optional(),
    credentials_file: text.optional(),
    credentials_secret: text.optional(),
  })
  .superRefine((value, ctx) => {
    atMostOne(value, ['credentials', 'credentials_file', 'credentials_secret'], ctx);
    if (value.type.toLowerCase() === 'basic') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'authorization type cannot be "basic"; use basic_auth instead' });
    }
  })
  .transform((value) => ({ ...value, type: value.type === '' ? 'Bearer' : value.type }));

const basicAuthSchema = z
  .strictObject({
    username: z.string().optional(),
    username_file: text.optional(),
    password: z.string().optional(),
    password_file: text.optional(),
    password_secret: text.optional(),
  })
  .superRefine((value, ctx) => {
    atMostOne(value, ['username', 'username_file'], ctx);
    atMostOne(value, ['password', 'password_file', 'password_secret'], ctx);
  });

const tlsVersion = z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']);

const tlsConfigSchema = z
  .strictObject({
    ca: text.optional(),
    ca_file: text.optional(),
    cert: text.optional(),
    cert_file: text.optional(),
    key: text.optional(),
    key_file: text.optional(),
    server_name: text.optional(),
    insecure_skip_verify: z.boolean().default(false),
    min_version: tlsVersion.optional(),
    max_version: tlsVersion.optional(),
  })
  .superRefine((value, ctx) => {
    atMostOne(value, ['ca', 'ca_file'], ctx);
    atMostOne(value, ['cert', 'cert_file'], ctx);
    atMostOne(value, ['key', 'key_file'], ctx);
    const cert = value.cert !== undefined || value.cert_file !== undefined;
    const key = value.key !== undefined || value.key_file !== undefined;
    if (cert !== key) ctx.addIssue({ code: 'custom', message: 'a client certificate needs its key: set both cert (or cert_file) and key (or key_file)' });
  });

const AUTHENTICATION_KEYS = ['authorization', 'basic_auth', 'oauth2', 'bearer_token', 'bearer_token_file'] as const;

function oneWayToAuthenticate(value: Partial<Record<(typeof AUTHENTICATION_KEYS)[number], unknown>>, ctx: z.core.$RefinementCtx) {
  const ways = AUTHENTICATION_KEYS.filter((key) => value[key] !== undefined);
  const bearerOnly = ways.every((key) => key.startsWith('bearer_token'));
  if (ways.length > 1 && bearerOnly) atMostOne(value, ['bearer_token', 'bearer_token_file'], ctx);
  else if (ways.length > 1) ctx.addIssue({ code: 'custom', message: `set only one way to authenticate; got ${ways.join(' and ')}` });
}

type Authorization = z.output<typeof authorizationSchema>;

function bearerAuthorization(token: string | undefined, file: string | undefined): Authorization | undefined {
  if (token !== undefined) return { type: 'Bearer', credentials: token };
  return file !== undefined ? { type: 'Bearer', credentials_file: file } : undefined;
}

/** The HTTP client settings alertscale honours, normalised: `bearer_token*` becomes `authorization`. */
export const httpConfigSchema = z
  .strictObject({
    authorization: authorizationSchema.optional(),
    basic_auth: basicAuthSchema.optional(),
    bearer_token: text.optional(),
    bearer_token_file: text.optional(),
    tls_config: tlsConfigSchema.optional(),
    ...ignoredShape(HTTP_CONFIG_IGNORED),
  })
  .superRefine(oneWayToAuthenticate)
  .transform(({ authorization, basic_auth, bearer_token, bearer_token_file, tls_config }) => {
    const auth = authorization ?? bearerAuthorization(bearer_token, bearer_token_file);
    return { ...(auth ? { authorization: auth } : {}), ...(basic_auth ? { basic_auth } : {}), ...(tls_config ? { tls_config } : {}) };
  });

/**
 * HTTP client settings of a Slack or webhook config: the config's own
 * `http_config`, else `global.http_config` (a whole block, as Alertmanager
 * takes it, never merged key by key).
 */
export type HttpClientConfig = z.output<typeof httpConfigSchema>;
