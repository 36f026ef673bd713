import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from './local-bus';

/**
 * The instances of local mode's simulated node groups: ids and names in the
 * shape EC2 and EKS give them, deterministic per group and sequence (so a
 * demo and a test see the same ones every run), the lifecycle states Auto
 * Scaling moves them through, the events it publishes about them, and the
 * file they are kept in with a data directory.
 */

/** One simulated instance. */
export interface SimulatedInstance {
  /** `i-` and 17 hex digits, as EC2's. */
  readonly id: string;
  /** A private DNS name, as Kubernetes names EKS nodes: `ip-10-1-0-3.ec2.internal`. */
  readonly name: string;
  /** When it was asked for (epoch ms); in service `bootDelay` after. */
  readonly requestedAt: number;
  lifecycleState: 'InService' | 'Terminating:Wait';
  /** While in `Terminating:Wait`: the lifecycle action's token and when its heartbeat times out (epoch ms). */
  lifecycleAction?: { readonly token: string; readonly deadline: number } | undefined;
}

/** The instance of `asgName` number `sequence` (0-based, never reused within a group). */
export function simulatedInstance(asgName: string, groupIndex: number, sequence: number, requestedAt: number): SimulatedInstance {
  const id = `i-${createHash('sha256').update(`${asgName}#${sequence}`).digest('hex').slice(0, 17)}`;
  const name = `ip-10-${(groupIndex % 254) + 1}-${Math.floor(sequence / 254) % 256}-${(sequence % 254) + 1}.ec2.internal`;
  return { id, name, requestedAt, lifecycleState: 'InService' };
}

/** A new lifecycle action's token, as Auto Scaling's are (a UUID). */
export const lifecycleActionToken = (): string => randomUUID();

/** An event as Auto Scaling puts it on the default bus. */
export function autoScalingEvent(detailType: string, asgName: string, detail: Record<string, unknown>, at: Date): EventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: 'aws.autoscaling',
    account: '000000000000',
    time: at.toISOString(),
    region: 'local',
    resources: [`arn:aws:autoscaling:local:000000000000:autoScalingGroup:simulated:autoScalingGroupName/${asgName}`],
    detail: { AutoScalingGroupName: asgName, ...detail },
  };
}

/** What is kept of one group between runs. */
export interface PersistedGroup {
  readonly sequence: number;
  readonly refuseCapacity: boolean;
  readonly instances: readonly SimulatedInstance[];
}

/** The groups kept in `path` by ASG name; none when there is no file yet. */
export function loadGroups(path: string | undefined): Readonly<Record<string, PersistedGroup>> {
  if (path === undefined || !existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, PersistedGroup>;
}

/** Writes the groups whole, through a temporary file, so a crash leaves the old file or the new one. */
export function saveGroups(path: string | undefined, groups: Readonly<Record<string, PersistedGroup>>): void {
  if (path === undefined) return;
  writeFileSync(`${path}.tmp`, JSON.stringify(groups));
  renameSync(`${path}.tmp`, path);
}
