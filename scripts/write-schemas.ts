import { mkdirSync, writeFileSync } from 'node:fs';
import { eventJsonSchemas } from '../lambdas/shared/event-schemas';

// Regenerates docs/schemas/*.schema.json from the zod schemas (test/unit/events checks they are current).
mkdirSync('docs/schemas', { recursive: true });
for (const [file, schema] of Object.entries(eventJsonSchemas())) {
  writeFileSync(`docs/schemas/${file}`, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote docs/schemas/${file}`);
}
