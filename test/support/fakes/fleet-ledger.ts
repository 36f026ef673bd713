import { MemoryFleetLedger } from '../../../lambdas/adapters/memory/fleet-ledger';

/** The fleet ledger in memory: the runtime's adapter, with the DynamoDB adapter's conditional semantics (a stale version loses). */
export class InMemoryFleetLedger extends MemoryFleetLedger {}
