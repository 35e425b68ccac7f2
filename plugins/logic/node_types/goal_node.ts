import { defineNodeType, endJourney, vine } from '#sdk'

const T = 'logic.nodes.goal'

/**
 * The end reason of a journey that reached a goal node. The goal's label
 * stays in the node's configuration, so the campaign's step names and
 * per-step counts tell goals apart.
 */
export const GOAL_REASON = 'goal'

/**
 * Goal reached: ends the journey with the reason `goal`, such as after
 * the contact bought. It has no output port.
 */
export const goalNode = defineNodeType({
  type: 'logic.goal',
  version: 1,
  label: `${T}.label`,
  description: `${T}.description`,
  icon: 'goal',
  category: 'logic',
  configSchema: vine.object({
    label: vine.string().trim().minLength(1).maxLength(60),
  }),
  defaults: { label: 'Goal' },
  localizedDefaults: (translate) => ({ label: translate(`${T}.default_label`) }),
  fields: [
    {
      kind: 'text',
      name: 'label',
      label: `${T}.fields.label`,
      help: `${T}.fields.label_help`,
      placeholder: `${T}.fields.label_placeholder`,
      maxLength: 60,
      required: true,
    },
  ],
  ports: [],
  execute() {
    return endJourney(GOAL_REASON)
  },
})
