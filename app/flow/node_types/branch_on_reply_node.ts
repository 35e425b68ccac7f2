import { awaitReply, defineNodeType, goTo, vine, type PortDefinition } from '#sdk'
import { addDuration } from '#flow/local_time'
import {
  compileReplyPattern,
  matchesKeyword,
  matchesPattern,
  slowPatternReason,
} from '#flow/reply_matching'
import { durationSchema } from '#flow/node_types/schema_parts'
import type { FieldContext } from '@vinejs/vine/types'

const MAX_TIMEOUT_SECONDS = 30 * 86_400
/** Port ids the node gives itself, and names plain objects already have, which a plan cannot key by. */
const RESERVED_PORTS = ['any', 'no_reply', ...Object.getOwnPropertyNames(Object.prototype)]

/**
 * Builds the context of one key of the rule object, so an error names the
 * field the member edits (`rules.0.pattern`) rather than the whole rule.
 * VineJS's own `confirmed` rule reports on a sibling field the same way.
 */
function childField(field: FieldContext, name: string): FieldContext {
  const parent = field.value as Record<string, unknown>
  return {
    ...field,
    name,
    value: parent[name],
    parent,
    isArrayMember: false,
    isDefined: parent[name] !== undefined,
    isValid: false,
    wildCardPath: `${field.wildCardPath}.${name}`,
    getFieldPath: () => `${field.getFieldPath()}.${name}`,
  }
}

const validRule = vine.createRule((value, _, field) => {
  const rule = value as { match?: string; keywords?: unknown; pattern?: unknown }
  if (rule.match === 'keywords' && !(Array.isArray(rule.keywords) && rule.keywords.length > 0)) {
    field.report('The rule needs at least one keyword', 'keywords', childField(field, 'keywords'))
  }
  if (rule.match !== 'pattern') {
    return
  }
  const pattern = String(rule.pattern ?? '')
  const patternField = childField(field, 'pattern')
  try {
    compileReplyPattern(pattern)
    if (!pattern) {
      throw new SyntaxError('empty pattern')
    }
  } catch {
    field.report('The rule needs a valid regular expression', 'pattern', patternField)
    return
  }
  if (slowPatternReason(pattern)) {
    field.report(
      'The regular expression repeats a group that repeats or has alternatives, which can take minutes to match: write it without the inner repetition',
      'pattern_slow',
      patternField
    )
  }
})

const ruleSchema = vine
  .object({
    id: vine
      .string()
      .regex(/^[a-z0-9_-]{1,40}$/)
      .notIn(RESERVED_PORTS),
    name: vine.string().trim().minLength(1).maxLength(60),
    match: vine.enum(['keywords', 'pattern'] as const),
    keywords: vine.array(vine.string().trim().minLength(1).maxLength(100)).maxLength(50),
    pattern: vine.string().maxLength(200).nullable(),
  })
  .use(validRule())

type Rule = {
  id: string
  name: string
  match: 'keywords' | 'pattern'
  keywords: string[]
  pattern: string | null
}

/** Splits a translated, comma-separated list of keywords, such as `sim, s`. */
function keywordList(message: string) {
  return message
    .split(',')
    .map((keyword) => keyword.trim())
    .filter((keyword) => keyword !== '')
}

function ruleMatches(rule: Rule, text: string) {
  if (rule.match === 'keywords') {
    return rule.keywords.some((keyword) => matchesKeyword(text, keyword))
  }
  return rule.pattern !== null && matchesPattern(text, rule.pattern)
}

/**
 * Branch on reply: waits up to a timeout for the contact's reply, then
 * follows the first rule that matches it, `any` for another reply, or
 * `no_reply` when the timeout passes. Unless `countEarlierReplies` is
 * false, a reply received since the journey's last sent message, such as
 * one sent during a wait before this step, is taken at once.
 */
export const branchOnReplyNode = defineNodeType({
  type: 'branch_on_reply',
  version: 1,
  label: 'flow_nodes.branch_on_reply.label',
  description: 'flow_nodes.branch_on_reply.description',
  icon: 'reply',
  category: 'logic',
  configSchema: vine.object({
    timeout: durationSchema(MAX_TIMEOUT_SECONDS),
    rules: vine.array(ruleSchema).maxLength(20).distinct('id'),
    // Optional, because flows published before the option existed count earlier replies too.
    countEarlierReplies: vine.boolean().optional(),
  }),
  defaults: {
    timeout: { amount: 1, unit: 'days' as const },
    rules: [
      {
        id: 'yes',
        name: 'Yes',
        match: 'keywords' as const,
        keywords: ['yes', 'sim'],
        pattern: null,
      },
    ],
    countEarlierReplies: true,
  },
  localizedDefaults: (translate) => ({
    timeout: { amount: 1, unit: 'days' as const },
    rules: [
      {
        id: 'yes',
        name: translate('flow_nodes.branch_on_reply.example_rule.name'),
        match: 'keywords' as const,
        keywords: keywordList(translate('flow_nodes.branch_on_reply.example_rule.keywords')),
        pattern: null,
      },
    ],
    countEarlierReplies: true,
  }),
  fields: [
    {
      kind: 'duration',
      name: 'timeout',
      label: 'flow_nodes.branch_on_reply.fields.timeout',
      units: ['seconds', 'minutes', 'hours', 'days'],
      maxSeconds: MAX_TIMEOUT_SECONDS,
      required: true,
    },
    {
      kind: 'boolean',
      name: 'countEarlierReplies',
      label: 'flow_nodes.branch_on_reply.fields.count_earlier_replies',
      help: 'flow_nodes.branch_on_reply.fields.count_earlier_replies_help',
    },
    {
      kind: 'list',
      name: 'rules',
      label: 'flow_nodes.branch_on_reply.fields.rules',
      addLabel: 'flow_nodes.branch_on_reply.fields.add_rule',
      itemLabel: 'flow_nodes.branch_on_reply.fields.rule_item',
      maxItems: 20,
      itemFields: [
        {
          kind: 'text',
          name: 'name',
          label: 'flow_nodes.branch_on_reply.fields.rule_name',
          required: true,
        },
        {
          kind: 'select',
          name: 'match',
          label: 'flow_nodes.branch_on_reply.fields.match',
          options: [
            { value: 'keywords', label: 'flow_nodes.branch_on_reply.fields.match_keywords' },
            { value: 'pattern', label: 'flow_nodes.branch_on_reply.fields.match_pattern' },
          ],
        },
        {
          kind: 'keywords',
          name: 'keywords',
          label: 'flow_nodes.branch_on_reply.fields.keywords',
          visibleWhen: { field: 'match', in: ['keywords'] },
        },
        {
          kind: 'text',
          name: 'pattern',
          label: 'flow_nodes.branch_on_reply.fields.pattern',
          help: 'flow_nodes.branch_on_reply.fields.pattern_help',
          visibleWhen: { field: 'match', in: ['pattern'] },
        },
      ],
    },
  ],
  ports(config) {
    // A rule the member named must lead somewhere. "Any other reply" and
    // "no reply" may end the journey.
    const rulePorts: PortDefinition[] = config.rules.map((rule) => ({
      id: rule.id,
      text: rule.name,
      required: true,
    }))
    return [
      ...rulePorts,
      { id: 'any', label: 'flow_nodes.branch_on_reply.ports.any' },
      { id: 'no_reply', label: 'flow_nodes.branch_on_reply.ports.no_reply' },
    ]
  },
  alwaysPauses: true,
  execute({ config, contact, now, resume }) {
    if (resume === null) {
      return awaitReply({
        until: addDuration(now, config.timeout, contact.timeZone),
        repliesSinceLastSend: config.countEarlierReplies !== false,
      })
    }
    if (resume.reason === 'timeout') {
      return goTo('no_reply')
    }
    const text = resume.reply.text ?? ''
    const rule = (config.rules as Rule[]).find((candidate) => ruleMatches(candidate, text))
    return goTo(rule ? rule.id : 'any')
  },
})
