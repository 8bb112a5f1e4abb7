/** Roles in rising order; the console is the owner. */
export const ROLES = ['viewer', 'operator', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];
export type GrantableRole = Exclude<Role, 'owner'>;

export const atLeast = (has: Role, needed: Role): boolean => ROLES.indexOf(has) >= ROLES.indexOf(needed);

export const isGrantableRole = (value: string): value is GrantableRole =>
  value === 'viewer' || value === 'operator' || value === 'admin';
