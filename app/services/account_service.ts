import db from '@adonisjs/lucid/services/db'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import string from '@adonisjs/core/helpers/string'
import Tenant from '#models/tenant'
import User from '#models/user'
import Membership from '#models/membership'
import { runAsSystem } from '#tenancy/tenant_context'

export interface SignUpInput {
  fullName: string
  email: string
  password: string
  tenantName: string
  locale?: string | null
}

/**
 * Makes a slug from the tenant's name that no other tenant has, adding a
 * number when needed (`acme`, `acme-2`, ...).
 */
export async function uniqueTenantSlug(name: string, client?: TransactionClientContract) {
  const base = string.slug(name, { lower: true, strict: true }).slice(0, 120) || 'tenant'
  let candidate = base
  for (let attempt = 2; await Tenant.findBy('slug', candidate, { client }); attempt++) {
    candidate = `${base}-${attempt}`
  }
  return candidate
}

/**
 * Creates a tenant, its owner and the owner's membership in one transaction.
 * Every query inside uses the transaction's client: the embedded SQLite pool
 * has one connection, so a query outside it would wait forever.
 */
export async function signUp(input: SignUpInput) {
  return runAsSystem(() =>
    db.transaction(async (trx) => {
      const tenant = await Tenant.create(
        {
          name: input.tenantName,
          slug: await uniqueTenantSlug(input.tenantName, trx),
          locale: input.locale === 'en' ? 'en' : 'pt-BR',
        },
        { client: trx }
      )
      const user = await User.create(
        {
          fullName: input.fullName,
          email: input.email.toLowerCase(),
          password: input.password,
          locale: input.locale ?? null,
          currentTenantId: tenant.id,
        },
        { client: trx }
      )
      await Membership.create(
        { tenantId: tenant.id, userId: user.id, role: 'owner' },
        { client: trx }
      )
      return { tenant, user }
    })
  )
}
