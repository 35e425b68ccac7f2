import { defineNodeType, goTo, vine, type PortDefinition } from '#sdk'
import { pickPath } from '../split_choice.js'

const T = 'logic.nodes.split'
const MIN_PATHS = 2
const MAX_PATHS = 5

/** Names plain objects already have, which a plan cannot key its ports by. */
const RESERVED_PORTS = Object.getOwnPropertyNames(Object.prototype)

const pathSchema = vine.object({
  id: vine
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/)
    .notIn(RESERVED_PORTS),
  name: vine.string().trim().maxLength(40).nullable().optional(),
  percent: vine.number().withoutDecimals().min(1).max(99),
})

interface SplitPath {
  id: string
  name?: string | null
}

/** Returns a path's port label: the designer's name, else its letter (A, B, ...). */
function pathLabel(path: SplitPath, index: number) {
  const name = path.name?.trim()
  return name ? name : String.fromCharCode(65 + index)
}

/**
 * Random split: sends each journey down one of two to five paths, with
 * the chance of each path its percentage. The path depends only on the
 * journey and node ids, so a step run again after a crash takes the same
 * path. A journey that visits the node again in a loop takes it again too.
 */
export const splitNode = defineNodeType({
  type: 'logic.split',
  version: 1,
  label: `${T}.label`,
  description: `${T}.description`,
  icon: 'split',
  category: 'logic',
  configSchema: vine.object({
    paths: vine.array(pathSchema).minLength(MIN_PATHS).maxLength(MAX_PATHS).distinct('id'),
  }),
  defaults: {
    paths: [
      { id: 'a', name: 'A', percent: 50 },
      { id: 'b', name: 'B', percent: 50 },
    ],
  },
  fields: [
    {
      kind: 'list',
      name: 'paths',
      label: `${T}.fields.paths`,
      help: `${T}.fields.paths_help`,
      addLabel: `${T}.fields.add_path`,
      itemLabel: `${T}.fields.path_item`,
      itemNumbering: 'letters',
      minItems: MIN_PATHS,
      maxItems: MAX_PATHS,
      summary: true,
      itemFields: [
        {
          kind: 'text',
          name: 'name',
          label: `${T}.fields.name`,
          maxLength: 40,
          // An unnamed path reads by its letter, as its port does.
          summary: { fallback: 'item-letter' },
        },
        {
          kind: 'number',
          name: 'percent',
          label: `${T}.fields.percent`,
          unit: `${T}.fields.percent_unit`,
          min: 1,
          max: 99,
          required: true,
          summary: true,
        },
      ],
    },
  ],
  ports(config): PortDefinition[] {
    return config.paths.map((path, index) => ({
      id: path.id,
      text: pathLabel(path, index),
      required: true,
    }))
  },
  validate(config) {
    const total = config.paths.reduce((sum, path) => sum + path.percent, 0)
    if (total === 100) {
      return []
    }
    return [
      {
        field: 'paths',
        message: 'logic.issues.split_total',
        text: 'The percentages add up to {total}: make them add up to 100',
        values: { total },
      },
    ]
  },
  execute({ config, journey, node }) {
    const shares = config.paths.map((path) => path.percent)
    return goTo(config.paths[pickPath(shares, journey.id, node.id)].id)
  },
})
