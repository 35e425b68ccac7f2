import type { HttpContext } from '@adonisjs/core/http'
import pluginHost from '#plugins/main'
import { pluginPrefix } from '#plugins/plugin_routes'

export type PluginNavLink = {
  plugin: string
  href: string
  label: string
  icon: string
}

/**
 * Navigation entries of the plugins the request's tenant has enabled,
 * translated, without those whose ability the member's role lacks. Empty
 * outside a tenant request.
 */
export async function pluginNavFor(ctx: Partial<HttpContext>): Promise<PluginNavLink[]> {
  if (!ctx.tenant || !ctx.i18n || !ctx.bouncer) {
    return []
  }
  const links: PluginNavLink[] = []
  for (const name of await pluginHost.enabledFor(ctx.tenant.id)) {
    for (const entry of pluginHost.get(name)!.api!.contributions.nav) {
      if (entry.ability && !(await ctx.bouncer.allows(entry.ability))) {
        continue
      }
      const path = entry.path === '/' ? '' : (entry.path ?? '')
      links.push({
        plugin: name,
        href: `${pluginPrefix(name)}${path}`,
        label: ctx.i18n.t(entry.label),
        icon: entry.icon ?? '◇',
      })
    }
  }
  return links
}
