import vine, { errors as vineErrors } from '@vinejs/vine'
import { Exception } from '@adonisjs/core/exceptions'
import type { HttpContext } from '@adonisjs/core/http'
import logger from '@adonisjs/core/services/logger'
import {
  portsOf,
  type ConfigUpgradeContext,
  type NodeTypeDefinition,
  type PortDefinition,
} from '#sdk'
import {
  formFieldProblems,
  isObjectSchema,
  portProblems,
  requireFunction,
  requireString,
} from '#plugins/contract_checks'
import type { ConfigError } from '#flow/config_problems'

/** A node type known to the install, with the plugin that contributed it. */
export interface RegisteredNodeType {
  definition: NodeTypeDefinition
  /** The contributing plugin's name, `null` for the core's types. */
  plugin: string | null
  validator: ReturnType<typeof vine.create>
}

/** Raised when a node's configuration does not pass its type's schema. */
export class NodeConfigInvalidException extends Exception {
  static status = 422
  static code = 'E_NODE_CONFIG_INVALID'

  constructor(
    readonly nodeType: string,
    readonly messages: ConfigError[]
  ) {
    super(
      `Invalid configuration for node type "${nodeType}": ${messages.map((m) => m.message).join('; ')}`
    )
  }

  /** Answers with the field messages, so the editor marks each field. */
  handle(error: this, ctx: HttpContext) {
    ctx.response
      .status(422)
      .send({ code: error.code, message: error.message, errors: error.messages })
  }
}

/** Raised for a node type id nobody registered. */
export class UnknownNodeTypeException extends Exception {
  static status = 404
  static code = 'E_NODE_TYPE_UNKNOWN'

  constructor(type: string) {
    super(`Unknown node type "${type}": the plugin that brings it may be missing or disabled`)
  }
}

const CORE_TYPE = /^[a-z][a-z0-9_]*$/
const PLUGIN_TYPE = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$/

function identityProblems(definition: NodeTypeDefinition, plugin: string | null) {
  const problems: string[] = []
  const type = definition.type
  if (plugin === null && !(typeof type === 'string' && CORE_TYPE.test(type))) {
    problems.push(`type "${type}" must be lowercase letters, digits and "_"`)
  }
  if (
    plugin !== null &&
    !(typeof type === 'string' && PLUGIN_TYPE.test(type) && type.startsWith(`${plugin}.`))
  ) {
    problems.push(
      `type "${type}" must be "${plugin}.<id>", with <id> in lowercase letters, digits and "_"`
    )
  }
  if (!Number.isInteger(definition.version) || definition.version < 1) {
    problems.push(`version ${String(definition.version)} must be an integer from 1`)
  }
  return problems
}

/**
 * Lists what is wrong with a node type definition, before its defaults are
 * run through its schema.
 */
export function nodeTypeProblems(definition: NodeTypeDefinition, plugin: string | null) {
  const where = `node type "${definition?.type}"`
  if (!definition || typeof definition !== 'object') {
    return ['a node type must be an object made with defineNodeType']
  }
  return [
    ...identityProblems(definition, plugin),
    ...requireString(definition.label, 'label'),
    ...requireString(definition.description, 'description'),
    ...requireString(definition.icon, 'icon'),
    ...requireString(definition.category, 'category'),
    ...(isObjectSchema(definition.configSchema) ? [] : ['configSchema must be vine.object({...})']),
    ...formFieldProblems(definition.fields, 'fields'),
    ...(typeof definition.ports === 'function' ? [] : portProblems(definition.ports, 'ports')),
    ...requireFunction(definition.execute, 'execute'),
    ...requireFunction(definition.validate, 'validate', true),
    ...requireFunction(definition.localizedDefaults, 'localizedDefaults', true),
    ...requireFunction(definition.upgradeConfig, 'upgradeConfig', true),
  ].map((problem) => `${where}: ${problem}`)
}

function validationMessages(error: unknown) {
  if (error instanceof vineErrors.E_VALIDATION_ERROR) {
    return error.messages as ConfigError[]
  }
  throw error
}

/**
 * The node types of the install: the core's five and those of plugins. The
 * engine, the publisher and the palette read them from here.
 */
export class NodeTypeRegistry {
  #types = new Map<string, RegisteredNodeType>()

  /**
   * Adds a node type after checking it against the contract, including that
   * its defaults pass its schema and yield valid ports. Raises an `Error`
   * listing every problem.
   */
  async add(definition: NodeTypeDefinition, plugin: string | null) {
    const problems = nodeTypeProblems(definition, plugin)
    if (problems.length === 0 && this.#types.has(definition.type)) {
      const owner = this.#types.get(definition.type)!.plugin ?? 'the core'
      problems.push(`node type "${definition.type}" is already registered by ${owner}`)
    }
    if (problems.length > 0) {
      throw new Error(problems.join('; '))
    }

    const validator = vine.create(definition.configSchema)
    const entry: RegisteredNodeType = { definition, plugin, validator }
    const defaults = await this.#validateDefaults(entry)
    if (typeof definition.ports === 'function') {
      const ports = portProblems(definition.ports(defaults), 'ports(defaults)')
      if (ports.length > 0) {
        throw new Error(ports.map((p) => `node type "${definition.type}": ${p}`).join('; '))
      }
    }
    this.#types.set(definition.type, entry)
  }

  /**
   * Checks `defaults`, and what `localizedDefaults` builds with translation
   * keys in place of messages, against the schema. The messages themselves
   * are not loaded yet when a plugin registers.
   */
  async #validateDefaults(entry: RegisteredNodeType) {
    const { definition } = entry
    const defaults = await this.#validateAgainstSchema(entry, definition.defaults, 'defaults')
    if (definition.localizedDefaults) {
      const localized = this.#buildLocalizedDefaults(definition)
      await this.#validateAgainstSchema(entry, localized, 'localizedDefaults((key) => key)')
    }
    return defaults
  }

  #buildLocalizedDefaults(definition: NodeTypeDefinition) {
    try {
      return definition.localizedDefaults!((key) => key)
    } catch (error) {
      throw new Error(
        `node type "${definition.type}": localizedDefaults threw: ${(error as Error).message}`
      )
    }
  }

  async #validateAgainstSchema(entry: RegisteredNodeType, value: unknown, what: string) {
    try {
      return await entry.validator.validate(value)
    } catch (error) {
      const messages = validationMessages(error).map((m) => m.message)
      throw new Error(
        `node type "${entry.definition.type}": ${what} must pass configSchema (${messages.join('; ')})`
      )
    }
  }

  get(type: string) {
    return this.#types.get(type)
  }

  getOrFail(type: string) {
    const entry = this.#types.get(type)
    if (!entry) {
      throw new UnknownNodeTypeException(type)
    }
    return entry
  }

  list() {
    return [...this.#types.values()]
  }

  /** Removes the node types of a plugin, when it fails after registering. */
  removePlugin(plugin: string) {
    for (const [type, entry] of this.#types) {
      if (entry.plugin === plugin) {
        this.#types.delete(type)
      }
    }
  }

  /**
   * Validates a node's configuration and returns the normalised value.
   * Raises `NodeConfigInvalidException` with VineJS's messages.
   */
  async validateConfig(type: string, config: unknown) {
    const entry = this.getOrFail(type)
    try {
      return (await entry.validator.validate(config)) as Record<string, unknown>
    } catch (error) {
      throw new NodeConfigInvalidException(type, validationMessages(error))
    }
  }

  /**
   * Returns a node's configuration in its type's current shape, through
   * the type's `upgradeConfig`. An unknown type, a type without the hook,
   * or a hook that throws leaves the configuration as stored.
   */
  upgradeConfig(type: string, config: unknown, context: ConfigUpgradeContext) {
    const entry = this.get(type)
    const upgrade = entry?.definition.upgradeConfig
    if (!upgrade || typeof config !== 'object' || config === null || Array.isArray(config)) {
      return config
    }
    try {
      return upgrade(config as Record<string, unknown>, context)
    } catch (error) {
      logger.error(
        { err: error, nodeType: type, pluginName: entry.plugin },
        'upgradeConfig failed, keeping the stored configuration'
      )
      return config
    }
  }

  /** The ports of a node type for a validated configuration. */
  portsFor(type: string, config: Record<string, unknown>): PortDefinition[] {
    return portsOf(this.getOrFail(type).definition, config as never)
  }
}

/** The install's node type registry, shared by every part of the process. */
export const nodeTypes = new NodeTypeRegistry()
