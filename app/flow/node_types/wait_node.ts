import { defineNodeType, vine, waitUntil } from '#sdk'
import { addDuration } from '#flow/local_time'
import { durationSchema } from '#flow/node_types/schema_parts'

const MAX_SECONDS = 365 * 86_400

/**
 * Wait: holds the journey for a fixed duration. Days are calendar days in
 * the contact's time zone, so "1 day" resumes at the same local time even
 * across a DST change.
 */
export const waitNode = defineNodeType({
  type: 'wait',
  version: 1,
  label: 'flow_nodes.wait.label',
  description: 'flow_nodes.wait.description',
  icon: 'clock',
  category: 'timing',
  configSchema: vine.object({ duration: durationSchema(MAX_SECONDS) }),
  defaults: { duration: { amount: 1, unit: 'days' as const } },
  fields: [
    {
      kind: 'duration',
      name: 'duration',
      label: 'flow_nodes.wait.fields.duration',
      units: ['seconds', 'minutes', 'hours', 'days'],
      maxSeconds: MAX_SECONDS,
      required: true,
    },
  ],
  ports: [{ id: 'next', label: 'flow_nodes.ports.next', required: true }],
  alwaysPauses: true,
  execute({ config, contact, now }) {
    return waitUntil(addDuration(now, config.duration, contact.timeZone), 'next')
  },
})
