import db from '@adonisjs/lucid/services/db'

/**
 * Resolves with whether the tenant is gone or an owner asked to delete it,
 * read from the database at each call. A plugin checks it right before
 * work that leaves the install, such as a webhook request, so nothing of
 * a tenant being deleted goes out after the request.
 */
export async function isTenantBeingDeleted(tenantId: number) {
  const tenant = await db
    .from('tenants')
    .where('id', tenantId)
    .select('deletion_requested_at')
    .first()
  return !tenant || tenant.deletion_requested_at !== null
}
