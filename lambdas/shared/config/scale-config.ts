import { z } from 'zod';
import { durationSchema } from './duration';
import { REMOVE_LABEL_KEYS, type RemoveLabelKey } from './remove-label';

const name = z.string().min(1, { message: 'must not be empty' });

/** alertscale's own channel: change a node group's desired capacity when an alert fires (or resolves). */
export const scaleConfigSchema = z
  .strictObject({
    node_group: name.optional(),
    node_group_label: name.optional(),
    change: z.number().int().refine((n) => n !== 0, { message: 'must not be 0' }).optional(),
    set: z.number().int().nonnegative().optional(),
    /**
     * Targeted scale-in: the label holding the EC2 instance id of the node to
     * remove (`TerminateInstanceInAutoScalingGroup`), instead of letting Auto
     * Scaling pick one. With `change: -1` only.
     */
    remove_instance_label: name.optional(),
    /**
     * Targeted scale-in: the label holding the node's private DNS name, as
     * Kubernetes names EKS nodes (`ip-10-0-1-7.ec2.internal`); resolved to its
     * instance with EC2. With `change: -1` only.
     */
    remove_node_label: name.optional(),
    /** Which alert status acts: scale up on firing, scale down on resolve, … */
    on: z.enum(['firing', 'resolved']).default('firing'),
    cooldown: durationSchema.default(300_000),
    dry_run: z.boolean().optional(),
    /** Page `escalate_to` when the alert still fires this long after the group hit its max, or scaling failed. */
    escalate_after: durationSchema.optional(),
    escalate_to: name.optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.node_group === undefined) === (value.node_group_label === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of node_group and node_group_label' });
    }
    if ((value.change === undefined) === (value.set === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of change and set' });
    }
    if ((value.escalate_after === undefined) !== (value.escalate_to === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'escalate_after and escalate_to go together' });
    }
    checkRemoveLabel(value, ctx);
  });

/**
 * A targeted scale-in removes the one instance each alert names, so it goes
 * with `change: -1` and nothing else: a `set`, a step up or a larger step
 * down would have no instance to remove for its other nodes.
 */
function checkRemoveLabel(value: { change?: number | undefined; set?: number | undefined } & Partial<Record<RemoveLabelKey, string>>, ctx: z.RefinementCtx): void {
  const given = REMOVE_LABEL_KEYS.filter((key) => value[key] !== undefined);
  if (given.length > 1) {
    ctx.addIssue({ code: 'custom', path: [given[1]!], message: 'set at most one of remove_instance_label and remove_node_label: an alert names its node one way' });
    return;
  }
  const key = given[0];
  if (key === undefined) return;
  if (value.set !== undefined) {
    ctx.addIssue({ code: 'custom', path: [key], message: `${key} removes the instance an alert names, so it goes with change: -1, not set` });
  } else if (value.change !== undefined && value.change !== -1) {
    ctx.addIssue({ code: 'custom', path: [key], message: `${key} removes the one instance each alert names, so it goes with change: -1 (got change: ${value.change})` });
  }
}
