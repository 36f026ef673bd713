import { z } from 'zod';
import { durationSchema } from './duration';

const name = z.string().min(1, { message: 'must not be empty' });

/** alertscale's own channel: change a node group's desired capacity when an alert fires (or resolves). */
export const scaleConfigSchema = z
  .strictObject({
    node_group: name.optional(),
    node_group_label: name.optional(),
    change: z.number().int().refine((n) => n !== 0, { message: 'must not be 0' }).optional(),
    set: z.number().int().nonnegative().optional(),
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
  });
