import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import semver from 'semver'
import vine, { SimpleMessagesProvider, errors as vineErrors } from '@vinejs/vine'
import { MANIFEST_FILE, type PluginManifest } from '#plugins/sdk/manifest'
import { PluginError } from '#plugins/plugin_errors'
import { orderByDependencies } from '#plugins/dependency_order'

/**
 * A plugin folder found on disk, with its manifest when it could be read
 * and the first rule it broke before any of its code ran.
 */
export interface PluginCandidate {
  /** The manifest name, or the folder name when there is no valid manifest. */
  name: string
  /** Absolute path of the plugin folder. */
  directory: string
  manifest: PluginManifest | null
  error: PluginError | null
  /** Listed in PLUGINS_DISABLED. */
  disabledByInstall: boolean
}

export interface DiscoveryOptions {
  /** Absolute path of the application root. */
  appRoot: string
  /** Folders holding plugin folders, relative to `appRoot` or absolute. */
  directories: string[]
  /** Names disabled for the install. */
  disabled: string[]
  /** The core version plugins are checked against. */
  coreVersion: string
}

const semverRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !semver.valid(value)) {
    field.report('The {{ field }} field must be a semantic version such as 1.0.0', 'semver', field)
  }
})

const rangeRule = vine.createRule((value, _, field) => {
  if (typeof value === 'string' && !semver.validRange(value)) {
    field.report(
      'The {{ field }} field must be a semantic version range such as ^1.0.0',
      'range',
      field
    )
  }
})

const manifestValidator = vine.create(
  vine.object({
    name: vine
      .string()
      .maxLength(50)
      .regex(/^[a-z][a-z0-9-]*$/),
    version: vine.string().use(semverRule()),
    description: vine.string().trim().minLength(1).maxLength(300),
    core: vine.string().use(rangeRule()),
    dependencies: vine.record(vine.string().use(rangeRule())).optional(),
    entry: vine
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[\w./-]+\.js$/)
      .optional(),
    enabledByDefault: vine.boolean({ strict: true }).optional(),
  })
)

const manifestMessages = new SimpleMessagesProvider({
  'name.regex':
    'The name field must use lowercase letters, digits and dashes, starting with a letter',
  'entry.regex': 'The entry field must be a relative path to a .js file inside the plugin folder',
})

/**
 * Reads and validates one manifest. Raises a `PluginError` that names the
 * folder and what is wrong.
 */
export async function readManifest(directory: string, folderName: string) {
  const file = join(directory, MANIFEST_FILE)
  if (!existsSync(file)) {
    throw new PluginError(
      folderName,
      'E_PLUGIN_MANIFEST_MISSING',
      `no ${MANIFEST_FILE} in ${directory}: add one with name, version, description and core`
    )
  }

  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new PluginError(
      folderName,
      'E_PLUGIN_MANIFEST_INVALID',
      `${MANIFEST_FILE} is not valid JSON (${(error as Error).message})`
    )
  }

  try {
    return (await manifestValidator.validate(data, {
      messagesProvider: manifestMessages,
    })) as PluginManifest
  } catch (error) {
    if (error instanceof vineErrors.E_VALIDATION_ERROR) {
      const details = (error.messages as { field: string; message: string }[])
        .map((entry) => entry.message)
        .join('; ')
      throw new PluginError(
        folderName,
        'E_PLUGIN_MANIFEST_INVALID',
        `invalid ${MANIFEST_FILE}: ${details}`
      )
    }
    throw error
  }
}

function pluginFolders(appRoot: string, directory: string) {
  const root = resolve(appRoot, directory)
  if (!existsSync(root)) {
    return []
  }
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !/^[._]/.test(entry.name))
    .map((entry) => ({ folderName: entry.name, directory: join(root, entry.name) }))
    .sort((a, b) => a.folderName.localeCompare(b.folderName))
}

async function inspectFolder(
  folder: { folderName: string; directory: string },
  options: DiscoveryOptions
): Promise<PluginCandidate> {
  const candidate: PluginCandidate = {
    name: folder.folderName,
    directory: folder.directory,
    manifest: null,
    error: null,
    disabledByInstall: false,
  }
  try {
    const manifest = await readManifest(folder.directory, folder.folderName)
    candidate.manifest = manifest
    candidate.name = manifest.name
    candidate.disabledByInstall = options.disabled.includes(manifest.name)
    checkManifest(manifest, folder.folderName, options.coreVersion)
  } catch (error) {
    if (!(error instanceof PluginError)) {
      throw error
    }
    candidate.error = error
  }
  return candidate
}

function checkManifest(manifest: PluginManifest, folderName: string, coreVersion: string) {
  if (manifest.name !== folderName) {
    throw new PluginError(
      manifest.name,
      'E_PLUGIN_NAME_MISMATCH',
      `the manifest name "${manifest.name}" differs from its folder "${folderName}": rename one of them`
    )
  }
  if (!semver.satisfies(coreVersion, manifest.core, { includePrerelease: true })) {
    throw new PluginError(
      manifest.name,
      'E_PLUGIN_CORE_UNSUPPORTED',
      `supports core ${manifest.core}, but this install runs ${coreVersion}: install a plugin version made for ${coreVersion}`
    )
  }
}

function rejectDuplicates(candidates: PluginCandidate[]) {
  const byName = new Map<string, PluginCandidate[]>()
  for (const candidate of candidates) {
    byName.set(candidate.name, [...(byName.get(candidate.name) ?? []), candidate])
  }
  for (const [name, copies] of byName) {
    if (copies.length < 2) {
      continue
    }
    const folders = copies.map((copy) => copy.directory).join(', ')
    for (const copy of copies) {
      copy.error = new PluginError(
        name,
        'E_PLUGIN_DUPLICATE_NAME',
        `${copies.length} plugin folders use this name (${folders}): keep one`
      )
    }
  }
}

/**
 * Finds every plugin folder, checks manifests, core versions, duplicate
 * names and dependencies, and returns the candidates in dependency order
 * (a plugin after the plugins it depends on). Nothing of a plugin's code
 * runs here.
 */
export async function discoverPlugins(options: DiscoveryOptions) {
  const folders = options.directories.flatMap((directory) =>
    pluginFolders(options.appRoot, directory)
  )
  const candidates = await Promise.all(folders.map((folder) => inspectFolder(folder, options)))
  rejectDuplicates(candidates)
  return orderByDependencies(candidates)
}

/**
 * The migration folders of the plugins whose manifests pass, relative to
 * the application root, in dependency order. Used by config/database.ts.
 */
export async function pluginMigrationPaths(options: DiscoveryOptions) {
  const candidates = await discoverPlugins(options)
  return candidates
    .filter((candidate) => candidate.error === null)
    .map((candidate) => join(candidate.directory, 'database', 'migrations'))
    .filter((directory) => existsSync(directory))
    .map((directory) => `./${relative(options.appRoot, directory)}`)
}
