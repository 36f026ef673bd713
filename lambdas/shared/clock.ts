/** A clock, so that cooldowns, TTLs and time intervals can be tested at their exact edges. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
