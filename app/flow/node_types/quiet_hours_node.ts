import { defineNodeType, goTo, vine, waitUntil, type TimeWindowValue } from '#sdk'
import { currentWindowClose } from '#flow/local_time'
import { timeWindowSchema } from '#flow/node_types/schema_parts'

/**
 * Quiet hours: holds the journey while the contact's local time is inside
 * the do-not-disturb period, and continues when it ends. `days` are the
 * days on which the quiet period begins.
 */
export const quietHoursNode = defineNodeType({
  type: 'quiet_hours',
  version: 1,
  label: 'flow_nodes.quiet_hours.label',
  description: 'flow_nodes.quiet_hours.description',
  icon: 'moon',
  category: 'timing',
  configSchema: vine.object({ quiet: timeWindowSchema() }),
  defaults: {
    quiet: { days: [1, 2, 3, 4, 5, 6, 7], start: '21:00', end: '08:00' } as TimeWindowValue,
  },
  fields: [
    {
      kind: 'time-window',
      name: 'quiet',
      label: 'flow_nodes.quiet_hours.fields.quiet',
      required: true,
    },
  ],
  ports: [{ id: 'next', label: 'flow_nodes.ports.next', required: true }],
  execute({ config, contact, now }) {
    const ends = currentWindowClose(now, config.quiet as TimeWindowValue, contact.timeZone)
    return ends ? waitUntil(ends, 'next') : goTo('next')
  },
})
