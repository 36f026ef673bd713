import { MemoryNodeGroupStateStore } from '../../../lambdas/adapters/memory/node-group-state-store';

/** Node-group state items in memory: the runtime's adapter, with the DynamoDB adapter's conditional semantics (a stale version loses). */
export class InMemoryNodeGroupStateStore extends MemoryNodeGroupStateStore {}
