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
  /**
   * Language of the new workspace, the one of the sign-up request. The
   * owner's own `locale` starts empty, so their pages follow the browser.
   */
  workspaceLocale?: string | null
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

export interface WorkspaceInput {
  name: string
  defaultCountry: string
  timezone: string
  locale?: string | null
}

/**
 * Returns the columns every new tenant starts with, whether it comes from a
 * sign-up or from a member's "New workspace". The default country and time
 * zone, when not given, are the columns' defaults (BR, America/Sao_Paulo).
 */
async function newTenantAttributes(
  name: string,
  locale: string | null | undefined,
  trx: TransactionClientContract
) {
  return {
    name,
    slug: await uniqueTenantSlug(name, trx),
    locale: locale === 'en' ? 'en' : 'pt-BR',
  }
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
        await newTenantAttributes(input.tenantName, input.workspaceLocale, trx),
        { client: trx }
      )
      const user = await User.create(
        {
          fullName: input.fullName,
          email: input.email.toLowerCase(),
          password: input.password,
          locale: null,
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

/**
 * Creates another tenant for a signed-in user, who becomes its owner and
 * works in it from the next request on. The user keeps every other
 * membership and reaches them through the tenant switcher.
 */
export async function createWorkspace(user: User, input: WorkspaceInput) {
  return runAsSystem(() =>
    db.transaction(async (trx) => {
      const tenant = await Tenant.create(
        {
          ...(await newTenantAttributes(input.name, input.locale, trx)),
          defaultCountry: input.defaultCountry,
          timezone: input.timezone,
        },
        { client: trx }
      )
      await Membership.create(
        { tenantId: tenant.id, userId: user.id, role: 'owner' },
        { client: trx }
      )
      user.useTransaction(trx)
      user.currentTenantId = tenant.id
      await user.save()
      return tenant
    })
  )
}
