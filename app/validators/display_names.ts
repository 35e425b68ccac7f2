import vine from '@vinejs/vine'

/**
 * Removes Unicode format characters (zero-width spaces and joiners,
 * direction marks and overrides) and the spaces around the text. A name
 * made only of them would show blank, and an override could show a name
 * backwards, such as a file name that hides its real extension.
 */
const visibleText = vine.createRule((value, _options, field) => {
  if (typeof value === 'string') {
    field.mutate(value.replace(/\p{Cf}/gu, '').trim(), field)
  }
})

/**
 * Returns the schema of a name other members read: a person's or a
 * workspace's, 2 to 120 characters once the invisible ones are removed.
 */
export function displayName() {
  return vine.string().use(visibleText()).minLength(2).maxLength(120)
}
