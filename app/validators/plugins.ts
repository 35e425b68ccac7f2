import vine from '@vinejs/vine'

/** A tenant admin's switch for one plugin. */
export const pluginSwitchValidator = vine.create({
  enabled: vine.boolean(),
})
