import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import string from '@adonisjs/core/helpers/string'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type { PluginsConfig } from '#config/plugins'

/** Kebab-case: lowercase words of letters and digits joined by single dashes. */
const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
/** Maximum name length, in characters, that the manifest validator accepts. */
const MAX_NAME_LENGTH = 50

/**
 * Skeleton files: `shared/` for every plugin, then `node/` or `channel/`.
 * Each `<path>.stub` becomes `<path>` in the plugin folder; `[key]` in a
 * path and `{{ key }}` in a file are replaced with the plugin's names.
 * Braces without the inner spaces, as in `{{name}}`, stay as they are.
 */
const STUBS_ROOT = fileURLToPath(new URL('./stubs/make_plugin', import.meta.url))

type StubState = Record<string, string>

function fillIn(template: string, pattern: RegExp, state: StubState) {
  return template.replace(pattern, (match, key: string) => state[key] ?? match)
}

async function stubFiles(folder: string) {
  const entries = await readdir(join(STUBS_ROOT, folder), { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.stub'))
    .map((entry) => relative(join(STUBS_ROOT, folder), join(entry.parentPath, entry.name)))
    .sort()
    .map((file) => ({
      source: join(STUBS_ROOT, folder, file),
      target: file.replace(/\.stub$/, ''),
    }))
}

/**
 * Creates a plugin folder: manifest, entry, translations, and either an
 * example node type or (with `--channel`) a channel with an in-memory
 * provider, each with a Japa test that passes as generated.
 */
export default class MakePluginCommand extends BaseCommand {
  static commandName = 'make:plugin'
  static description = 'Create a plugin skeleton with an example node type or channel and its test'
  static help = [
    'Creates <path>/<name>/ with plugin.json, index.ts, lang/ and tests/.',
    'Run the test of a plugin in plugins/ with: SKIP_CHECKS=1 script/test plugins --files plugins/<name>/tests/<file>.spec.ts',
  ]
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Plugin name in kebab-case, such as acme-sms' })
  declare name: string

  @flags.string({
    description: 'Folder to create the plugin folder in, inside the application root',
    default: 'plugins',
  })
  declare path: string

  @flags.boolean({
    description: 'Create a channel plugin whose test runs the channel conformance kit',
  })
  declare channel?: boolean

  async run() {
    const appRoot = fileURLToPath(this.app.appRoot)
    const parent = resolve(appRoot, this.path)
    const problem = (await this.#nameProblem(appRoot, parent)) ?? this.#pathProblem(appRoot, parent)
    if (problem) {
      this.logger.error(problem)
      this.exitCode = 1
      return
    }

    const pluginDirectory = join(parent, this.name)
    const state = await this.#stubState(appRoot)
    await this.#generate(appRoot, pluginDirectory, state)
    this.#printNextSteps(appRoot, pluginDirectory, state)
  }

  async #nameProblem(appRoot: string, parent: string) {
    if (!KEBAB_CASE.test(this.name) || this.name.length > MAX_NAME_LENGTH) {
      const suggestion = string.dashCase(this.name).replace(/[^a-z0-9-]/g, '')
      return (
        `E_PLUGIN_NAME_INVALID: Invalid plugin name "${this.name}": use kebab-case ` +
        `(lowercase letters and digits in words joined by single dashes, starting with a letter, ` +
        `at most ${MAX_NAME_LENGTH} characters), such as "${suggestion || 'acme-sms'}"`
      )
    }
    const folder = join(parent, this.name)
    if (existsSync(folder)) {
      return `E_PLUGIN_EXISTS: The folder ${relative(appRoot, folder)} already exists: choose another name or remove that folder`
    }
    const existing = await this.#existingPlugin(appRoot, parent)
    if (existing) {
      return `E_PLUGIN_EXISTS: A plugin named "${this.name}" already exists in ${relative(appRoot, existing)}: choose another name`
    }
    return null
  }

  /** The folder of an installed plugin with this name, from the configured plugin folders. */
  async #existingPlugin(appRoot: string, parent: string) {
    const { discoverPlugins } = await import('#plugins/plugin_discovery')
    const config = this.app.config.get<PluginsConfig>('plugins')
    const candidates = await discoverPlugins({
      appRoot,
      directories: [...new Set([...config.directories, relative(appRoot, parent)])],
      disabled: [],
      coreVersion: await this.#coreVersion(appRoot),
    })
    return candidates.find((candidate) => candidate.name === this.name)?.directory ?? null
  }

  /**
   * Plugins import `#sdk` through the application's package.json imports,
   * which resolve only for files inside the application root.
   */
  #pathProblem(appRoot: string, parent: string) {
    const inside = relative(appRoot, parent)
    if (inside.startsWith('..') || isAbsolute(inside)) {
      return `E_PLUGIN_PATH_INVALID: --path "${this.path}" is outside the application root ${appRoot}: plugins import #sdk through the application's package.json, so give a folder inside it, such as plugins`
    }
    return null
  }

  async #coreVersion(appRoot: string) {
    const manifest = JSON.parse(await readFile(join(appRoot, 'package.json'), 'utf8'))
    return manifest.version as string
  }

  async #stubState(appRoot: string): Promise<StubState> {
    return {
      name: this.name,
      snakeName: string.snakeCase(this.name),
      pascalName: string.pascalCase(this.name),
      description: this.channel
        ? `Channel plugin ${this.name}`
        : `Plugin ${this.name} with an example node type`,
      coreVersion: await this.#coreVersion(appRoot),
    }
  }

  /** Writes every file of the skeleton into the plugin folder. */
  async #generate(appRoot: string, pluginDirectory: string, state: StubState) {
    const files = [
      ...(await stubFiles('shared')),
      ...(await stubFiles(this.channel ? 'channel' : 'node')),
    ]
    for (const file of files) {
      const destination = join(pluginDirectory, fillIn(file.target, /\[(\w+)\]/g, state))
      const contents = fillIn(await readFile(file.source, 'utf8'), /\{\{ (\w+) \}\}/g, state)
      await mkdir(dirname(destination), { recursive: true })
      await writeFile(destination, contents)
      this.logger.action(`create ${relative(appRoot, destination)}`).succeeded()
    }
  }

  /**
   * Prints how to run the new test. The `plugins` test suite of adonisrc.ts
   * collects spec files under `plugins/<name>/tests/` only, and the host loads only
   * the configured plugin folders. The hint names `script/test`, which
   * prepares the test database: a bare `node ace test` would wipe and
   * migrate the database of `.env`.
   */
  #printNextSteps(appRoot: string, pluginDirectory: string, state: StubState) {
    const folder = relative(appRoot, pluginDirectory)
    const parent = dirname(pluginDirectory)
    if (parent === join(appRoot, 'plugins')) {
      const spec = this.channel ? `${state.snakeName}_channel.spec.ts` : 'greet_node.spec.ts'
      this.logger.info(
        `run its test: SKIP_CHECKS=1 script/test plugins --files ${folder}/tests/${spec}`
      )
    }
    const config = this.app.config.get<PluginsConfig>('plugins')
    if (!config.directories.some((directory) => resolve(appRoot, directory) === parent)) {
      this.logger.warning(
        `${relative(appRoot, parent)} is not a plugin folder of this install: add it to PLUGINS_PATH to load the plugin`
      )
    }
  }
}
