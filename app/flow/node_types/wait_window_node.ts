import { defineNodeType, goTo, vine, waitUntil, type TimeWindowValue } from '#sdk'
import { nextWindowInstant } from '#flow/local_time'
import { timeWindowSchema } from '#flow/node_types/schema_parts'

/**
 * Wait window: continues at once when the contact's local time is inside
 * the window, otherwise holds the journey until the window next opens.
 */
export const waitWindowNode = defineNodeType({
  type: 'wait_window',
  version: 1,
  label: 'flow_nodes.wait_window.label',
  description: 'flow_nodes.wait_window.description',
  icon: 'calendar',
  category: 'timing',
  configSchema: vine.object({ window: timeWindowSchema() }),
  defaults: { window: { days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' } as TimeWindowValue },
  fields: [
    {
      kind: 'time-window',
      name: 'window',
      label: 'flow_nodes.wait_window.fields.window',
      required: true,
    },
  ],
  ports: [{ id: 'next', label: 'flow_nodes.ports.next', required: true }],
  execute({ config, contact, now }) {
    const next = nextWindowInstant(now, config.window as TimeWindowValue, contact.timeZone)!
    return next <= now ? goTo('next') : waitUntil(next, 'next')
  },
})
