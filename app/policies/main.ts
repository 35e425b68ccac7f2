/**
 * Policies, imported lazily by Bouncer.
 */
export const policies = {
  MembershipPolicy: () => import('#policies/membership_policy'),
}
