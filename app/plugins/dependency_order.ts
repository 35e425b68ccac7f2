import semver from 'semver'
import { PluginError } from '#plugins/plugin_errors'
import type { PluginCandidate } from '#plugins/plugin_discovery'

function isUsable(candidate: PluginCandidate) {
  return candidate.error === null && !candidate.disabledByInstall
}

/**
 * The first broken dependency of a candidate, or null: missing, outside the
 * version range, or itself unusable.
 */
function dependencyError(candidate: PluginCandidate, byName: Map<string, PluginCandidate>) {
  for (const [name, range] of Object.entries(candidate.manifest?.dependencies ?? {})) {
    const dependency = byName.get(name)
    if (!dependency) {
      return new PluginError(
        candidate.name,
        'E_PLUGIN_DEPENDENCY_MISSING',
        `depends on "${name}" (${range}), which is not installed: add it to a plugins folder`
      )
    }
    if (dependency.manifest && !semver.satisfies(dependency.manifest.version, range)) {
      return new PluginError(
        candidate.name,
        'E_PLUGIN_DEPENDENCY_VERSION',
        `depends on "${name}" ${range}, but version ${dependency.manifest.version} is installed`
      )
    }
    if (!isUsable(dependency)) {
      const why = dependency.disabledByInstall ? 'is disabled for the install' : 'failed to load'
      return new PluginError(
        candidate.name,
        'E_PLUGIN_DEPENDENCY_UNAVAILABLE',
        `depends on "${name}", which ${why}: enable or fix "${name}" first`
      )
    }
  }
  return null
}

/**
 * Marks candidates whose dependencies are broken, repeating until nothing
 * changes so a failure propagates down a chain of dependents.
 */
function propagateDependencyErrors(candidates: PluginCandidate[]) {
  const byName = new Map(candidates.map((candidate) => [candidate.name, candidate]))
  let changed = true
  while (changed) {
    changed = false
    for (const candidate of candidates.filter(isUsable)) {
      const error = dependencyError(candidate, byName)
      if (error) {
        candidate.error = error
        changed = true
      }
    }
  }
}

/**
 * Depth-first topological sort of the usable candidates. A cycle marks each
 * of its members with the path of the cycle.
 */
function sortTopologically(candidates: PluginCandidate[]) {
  const byName = new Map(candidates.map((candidate) => [candidate.name, candidate]))
  const state = new Map<string, 'visiting' | 'done'>()
  const ordered: PluginCandidate[] = []

  const visit = (candidate: PluginCandidate, path: string[]) => {
    if (state.get(candidate.name) === 'done') {
      return
    }
    if (state.get(candidate.name) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(candidate.name)), candidate.name]
      for (const member of cycle) {
        byName.get(member)!.error ??= new PluginError(
          member,
          'E_PLUGIN_DEPENDENCY_CYCLE',
          `its dependencies form a cycle (${cycle.join(' -> ')}): remove one of these dependencies`
        )
      }
      return
    }
    state.set(candidate.name, 'visiting')
    for (const name of Object.keys(candidate.manifest?.dependencies ?? {}).sort()) {
      visit(byName.get(name)!, [...path, candidate.name])
    }
    state.set(candidate.name, 'done')
    ordered.push(candidate)
  }

  for (const candidate of [...candidates].sort((a, b) => a.name.localeCompare(b.name))) {
    visit(candidate, [])
  }
  return ordered
}

/**
 * Checks dependencies and orders the candidates so each comes after the
 * plugins it depends on. Unusable candidates (failed or disabled) come
 * last, in name order, keeping their error.
 */
export function orderByDependencies(candidates: PluginCandidate[]) {
  propagateDependencyErrors(candidates)
  const usable = candidates.filter(isUsable)
  const ordered = sortTopologically(usable)

  // A cycle found by the sort makes its members' dependents unusable too.
  propagateDependencyErrors(candidates)

  const rest = candidates
    .filter((candidate) => !ordered.includes(candidate))
    .sort((a, b) => a.name.localeCompare(b.name))
  return [...ordered.filter(isUsable), ...ordered.filter((c) => !isUsable(c)), ...rest]
}
