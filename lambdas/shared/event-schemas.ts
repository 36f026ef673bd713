import { z } from 'zod';
import { LABEL_SET_DESCRIPTION } from './alertmanager';
import { detailSchemas, EVENT_SOURCE, type DetailType } from './events';

/** File name of a detail-type's JSON Schema in docs/schemas/, e.g. `alertmanager-alert.schema.json`. */
export const schemaFileName = (detailType: DetailType) => `${detailType.toLowerCase().replace(/\s+/g, '-')}.schema.json`;

/**
 * The JSON Schema (draft 2020-12) of each event's `detail`, generated from the
 * zod schemas the code validates with, so the published contract cannot drift
 * from what is put on the bus. `npm run schemas` writes them to docs/schemas/.
 */
export function eventJsonSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(detailSchemas).map(([detailType, schema]) => [
      schemaFileName(detailType as DetailType),
      {
        $id: `urn:alertscale:schema:${schemaFileName(detailType as DetailType)}`,
        title: `${detailType} (source "${EVENT_SOURCE}")`,
        description: `The detail of the "${detailType}" event alertscale puts on its EventBridge bus.`,
        ...z.toJSONSchema(schema, {
          io: 'output',
          unrepresentable: 'any',
          // Label sets are parsed by a custom schema (see labelSetSchema); publish them as what they are.
          override: (ctx) => {
            if (ctx.jsonSchema.description === LABEL_SET_DESCRIPTION) {
              Object.assign(ctx.jsonSchema, { type: 'object', additionalProperties: { type: 'string' } });
            }
          },
        }),
      },
    ]),
  );
}
