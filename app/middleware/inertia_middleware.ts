import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import BaseInertiaMiddleware from '@adonisjs/inertia/inertia_middleware'
import { clientTranslations } from '#services/client_translations'
import { INBOX_READER_ROLE, ROLES, roleAtLeast } from '#tenancy/roles'
import { runInTenant } from '#tenancy/tenant_context'
import { pluginNavFor } from '#plugins/plugin_nav'
import { unreadCounts } from '#services/inbox/inbox_queries'
import { openDeletionsSeenBy } from '#services/workspaces/deletion_records'

/** Lists the unfinished deletions of workspaces the user was a member of, for the notice above every page. */
async function workspaceDeletionsOf(userId: number | undefined) {
  if (userId === undefined) {
    return []
  }
  const deletions = await openDeletionsSeenBy(userId)
  return deletions.map((deletion) => ({
    id: deletion.id,
    workspaceName: deletion.workspaceName,
    percent: deletion.progress.percent,
  }))
}

/**
 * Counts the unread conversations of the request's tenant for the inbox
 * badge, or returns `null` outside a tenant request and for a role that
 * does not read the inbox.
 */
async function inboxUnreadFor(ctx: Partial<HttpContext>) {
  if (!ctx.tenant || !roleAtLeast(ctx.membership?.role, INBOX_READER_ROLE)) {
    return null
  }
  const counts = await runInTenant(ctx.tenant.id, () => unreadCounts())
  return counts.conversations
}

/**
 * Props every page receives: the user, the current tenant and role, the
 * tenants the user can switch to, the interface language with its
 * translations, flash messages, the navigation entries of the plugins the
 * tenant has enabled, the count of unread conversations of the inbox, and
 * the deletions under way of workspaces the user was a member of.
 */
export default class InertiaMiddleware extends BaseInertiaMiddleware {
  /**
   * Returns the validation errors, nested under the request's error bag when
   * it names one. A bag without errors is left out: Inertia counts the bag's
   * key as an error and would call the form's `onError` after a success.
   */
  #validationErrors(ctx: HttpContext) {
    const errors = this.getValidationErrors(ctx)
    const bags = Object.values(errors)
    const emptyBag =
      bags.length === 1 &&
      typeof bags[0] === 'object' &&
      bags[0] !== null &&
      Object.keys(bags[0]).length === 0
    return emptyBag ? {} : errors
  }

  async share(ctx: HttpContext) {
    // A page can render before the session or auth middleware ran (a 404, say).
    const { session, auth, i18n } = ctx as Partial<HttpContext>
    const locale = i18n?.locale ?? 'en'

    const errorsBag = session?.flashMessages.get('errorsBag') ?? {}
    const error: string | undefined = Object.keys(errorsBag)
      .filter((code) => code !== 'E_VALIDATION_ERROR')
      .map((code) => errorsBag[code])[0]

    const user = auth?.user
    return {
      errors: ctx.inertia.always(this.#validationErrors(ctx)),
      flash: ctx.inertia.always({
        error,
        success: session?.flashMessages.get('success') as string | undefined,
      }),
      locale: ctx.inertia.always(locale),
      translations: ctx.inertia.always(clientTranslations(locale)),
      user: ctx.inertia.always(
        user
          ? {
              id: user.id,
              fullName: user.fullName,
              email: user.email,
              initials: user.initials,
              locale: user.locale,
            }
          : null
      ),
      tenant: ctx.inertia.always(
        ctx.tenant
          ? {
              id: ctx.tenant.id,
              name: ctx.tenant.name,
              slug: ctx.tenant.slug,
              timezone: ctx.tenant.timezone,
            }
          : null
      ),
      role: ctx.inertia.always(ctx.membership?.role ?? null),
      pluginNav: ctx.inertia.always(await pluginNavFor(ctx)),
      inboxUnread: ctx.inertia.always(await inboxUnreadFor(ctx)),
      roles: ctx.inertia.always([...ROLES]),
      workspaceDeletions: ctx.inertia.always(await workspaceDeletionsOf(user?.id)),
      tenants: ctx.inertia.always(
        (ctx.memberships ?? []).map((membership) => ({
          id: membership.tenantId,
          name: membership.tenant.name,
          role: membership.role,
        }))
      ),
    }
  }

  async handle(ctx: HttpContext, next: NextFn) {
    await this.init(ctx)
    const output = await next()
    this.dispose(ctx)
    return output
  }
}

declare module '@adonisjs/inertia/types' {
  type MiddlewareSharedProps = InferSharedProps<InertiaMiddleware>
  export interface SharedProps extends MiddlewareSharedProps {}
}
