/**
 * A value the stack or one of its constructs cannot deploy: a context value,
 * a prop or a configuration setting AWS would refuse (or that would deploy
 * something unsafe). Thrown at synth, before anything reaches CloudFormation,
 * with the value received and how to fix it; `bin/app.ts` prints the message
 * and exits 1, as it does for a bad configuration file.
 */
export class InfrastructureError extends Error {
  override readonly name = 'InfrastructureError';
}
