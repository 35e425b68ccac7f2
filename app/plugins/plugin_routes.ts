import type { HttpContext, Router } from '@adonisjs/core/http'
import { errors } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import type { MiddlewareFn } from '@adonisjs/core/types/http'
import type { PluginHost } from '#plugins/plugin_host'

/** The path prefix of a plugin's tenant routes and pages. */
export function pluginPrefix(name: string) {
  return `/plugins/${name}`
}

function notFound(ctx: HttpContext): never {
  throw new errors.E_ROUTE_NOT_FOUND([ctx.request.method(), ctx.request.url()])
}

/**
 * Answers 404 unless the plugin is active and the request's tenant has it
 * enabled. Runs after the tenant middleware.
 */
function requirePluginEnabled(host: PluginHost, name: string): MiddlewareFn {
  return async (ctx: HttpContext, next: NextFn) => {
    if (!(await host.isEnabledFor(name, ctx.tenant.id))) {
      return notFound(ctx)
    }
    return next()
  }
}

function requirePluginActive(host: PluginHost, name: string): MiddlewareFn {
  return async (ctx: HttpContext, next: NextFn) => {
    if (!host.isActive(name)) {
      return notFound(ctx)
    }
    return next()
  }
}

/**
 * Mounts each registered plugin's routes: tenant routes under
 * `/plugins/<name>` behind `tenantMiddleware` (sign-in and tenant scope),
 * public routes under `/hooks/<name>`.
 */
export function mountPluginRoutes(
  host: PluginHost,
  router: Router,
  tenantMiddleware: MiddlewareFn[] | any[]
) {
  for (const record of host.active()) {
    const { routes, publicRoutes } = record.api!.contributions
    if (routes.length > 0) {
      router
        .group(() => routes.forEach((define) => define(router)))
        .prefix(pluginPrefix(record.name))
        .use([...tenantMiddleware, requirePluginEnabled(host, record.name)])
    }
    if (publicRoutes.length > 0) {
      router
        .group(() => publicRoutes.forEach((define) => define(router)))
        .prefix(`/hooks/${record.name}`)
        .use(requirePluginActive(host, record.name))
    }
  }
}
