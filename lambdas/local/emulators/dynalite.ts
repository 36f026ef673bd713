import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { localTableDefinition } from '../../adapters/dynamodb/table';

/** A running embedded DynamoDB (dynalite) on a loopback port, with the alertscale table created. */
export interface EmbeddedDynamo {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  stop(): Promise<void>;
}

export interface EmbeddedDynamoOptions {
  /** Where dynalite keeps its LevelDB; in memory when absent. */
  readonly path?: string;
  readonly tableName?: string;
  /** @default 0 - any free port */
  readonly port?: number;
}

/**
 * Starts dynalite, a real implementation of the DynamoDB API, in this process
 * on 127.0.0.1 and creates the alertscale table. Local mode and the
 * integration tests use it so that conditional writes, TTL attributes and
 * errors behave as DynamoDB's do.
 */
export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  const tableName = options.tableName ?? 'alertscale';
  try {
    await client.send(new CreateTableCommand(localTableDefinition(tableName)));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }, { TableName: tableName });
  return {
    client,
    endpoint,
    tableName,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
