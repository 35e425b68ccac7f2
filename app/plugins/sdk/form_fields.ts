/**
 * Form fields: a declarative description of a form that the flow editor,
 * the plugin settings page and the channel instance form render without any
 * plugin-specific front-end code. Each field edits one key of the
 * configuration object; the server validates the submitted object against
 * the VineJS schema that sits next to the fields, so the fields describe the
 * form and the schema is the contract.
 */

import type { ContactFieldType } from './node_type.js'

/** Unit of a duration value. */
export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days'

/**
 * Value of a `duration` field. `days` counts calendar days in the contact's
 * time zone, so "1 day" keeps the local time of day across a DST change;
 * the other units count elapsed time.
 */
export interface DurationValue {
  amount: number
  unit: DurationUnit
}

/** ISO weekday: 1 is Monday, 7 is Sunday (Luxon's `weekday`). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7

/**
 * Value of a `time-window` field: local times of day in the contact's time
 * zone. When `end` is earlier than `start` the window crosses midnight, and
 * `days` are the days on which it opens. `start` equal to `end` is a whole
 * day.
 */
export interface TimeWindowValue {
  /** Days the window opens on. */
  days: IsoWeekday[]
  /** Opening time, `HH:mm` in 24-hour form. */
  start: string
  /** Closing time, `HH:mm` in 24-hour form, exclusive. */
  end: string
}

/**
 * Value of a `template` field: a saved template or inline text with
 * `{{variable}}` and `{{variable|fallback}}` placeholders. Exactly one of
 * the two is set.
 */
export interface TemplateValue {
  templateId: number | null
  text: string | null
}

/** Value of a `media` field: a file in the install's storage or an https URL. */
export interface MediaValue {
  /** Drive key of an uploaded file, or an `https://` URL. */
  source: string
  /** MIME type, such as `image/jpeg`. */
  mimeType: string
  /** File name shown to the recipient for documents. */
  fileName: string | null
}

/** Options every field kind shares. */
export interface BaseFormField {
  /**
   * Key of the value in the configuration object. Fields of a `list` field
   * name keys of one item.
   */
  name: string
  /** Translation key of the label, such as `flow.nodes.wait.fields.duration`. */
  label: string
  /** Translation key of a help line under the field. @default undefined */
  help?: string
  /**
   * Whether the editor marks the field required. The schema still decides
   * what the server accepts.
   *
   * @default false
   */
  required?: boolean
  /**
   * Shows the field only while a sibling field has one of the given values.
   * `field` names a key at the same level.
   *
   * @default undefined (always shown)
   */
  visibleWhen?: { field: string; in: unknown[] }
  /**
   * Puts this field's value in the node's summary, the line under the
   * type's name on the editor's cards and in step names. `true` uses the
   * defaults of `FieldSummary`. Fields of a `list` item with `summary`
   * make up the summary of one item. When no field of a node type sets
   * it, the first field is summarised.
   *
   * @default undefined (left out of the summary)
   */
  summary?: boolean | FieldSummary
}

/**
 * How a field's value reads in the node's summary. Each kind reads its own
 * way: text as it is, a `select` option by its label, a `contact-field` by
 * the field's label, a `contact-list` by the list's name, a number with its
 * unit, `keywords` as the words, and a `list` by the summaries of its items.
 */
export interface FieldSummary {
  /** Literal text put before the value, or before each word of `keywords`, such as `+`. @default '' */
  prefix?: string
  /**
   * Literal text between this field's summary and the previous part.
   *
   * @default ' · ' between a node's fields, ' ' between the fields of a list item
   */
  separator?: string
  /**
   * For a `list` field: `all` joins the summary of every item with ` · `,
   * `first` shows the first item followed by `more`.
   *
   * @default 'all'
   */
  items?: 'all' | 'first'
  /**
   * For `items: 'first'`: translation key of the text that counts the
   * other items, an ICU message with `{count}`, such as
   * `+{count, plural, one {# rule} other {# rules}}`. Left out when there
   * is no other item.
   */
  more?: string
  /**
   * For a field of a `list` item: what the summary shows while the value
   * is empty. `item-letter` shows the item's letter by its position, A for
   * the first item, so an unnamed item still reads apart from the others.
   *
   * @default undefined (an empty value is left out)
   */
  fallback?: 'item-letter'
}

export interface TextFormField extends BaseFormField {
  kind: 'text'
  /** Translation key of the placeholder. @default undefined */
  placeholder?: string
  /** Maximum length in characters. @default undefined (no limit in the form) */
  maxLength?: number
  /**
   * Marks a per-tenant setting or a channel configuration field as a
   * secret, such as an API key. Settings > Plugins and the connections
   * page show it as a password input and never send its stored value to
   * the browser. Saving with the input left empty keeps the stored value,
   * and the settings audit entry records that it changed, never the value.
   * The value is stored encrypted with the application key, and the plugin
   * reads it decrypted. The flow editor ignores this option.
   *
   * @default false
   */
  secret?: boolean
}

export interface TextareaFormField extends BaseFormField {
  kind: 'textarea'
  placeholder?: string
  maxLength?: number
  /** Visible rows. @default 4 */
  rows?: number
}

export interface NumberFormField extends BaseFormField {
  kind: 'number'
  /** Smallest accepted value. @default undefined */
  min?: number
  /** Largest accepted value. @default undefined */
  max?: number
  /** Increment of the spinner. @default 1 */
  step?: number
  /** Translation key of the unit shown after the input, such as `ui.units.percent`. */
  unit?: string
  /**
   * Value used when the field is left empty. The form shows it as the
   * placeholder. @default undefined (no value)
   */
  default?: number
}

export interface BooleanFormField extends BaseFormField {
  kind: 'boolean'
}

export interface DurationFormField extends BaseFormField {
  kind: 'duration'
  /** Units offered in the unit picker. @default ['minutes', 'hours', 'days'] */
  units?: DurationUnit[]
  /** Shortest accepted duration, in seconds. @default 1 */
  minSeconds?: number
  /** Longest accepted duration, in seconds. @default undefined */
  maxSeconds?: number
}

export interface SelectOption {
  value: string | number
  /** Translation key of the option label. */
  label: string
  /**
   * Offers the option only while the contact field chosen in the sibling
   * `contact-field` picker that `fieldTypeFrom` names has one of these
   * types. @default undefined (offered for every type)
   */
  fieldTypes?: ContactFieldType[]
}

export interface SelectFormField extends BaseFormField {
  kind: 'select'
  options: SelectOption[]
  /**
   * Name of a sibling `contact-field` picker whose chosen field's type
   * filters the options by their `fieldTypes`. When the type changes and
   * the value is no longer offered, the editor picks the first option
   * offered. While no field is chosen, or the chosen one no longer exists,
   * every option is offered. @default undefined (no filter)
   */
  fieldTypeFrom?: string
}

export interface TemplateFormField extends BaseFormField {
  kind: 'template'
  /** Whether inline text is offered besides saved templates. @default true */
  allowInline?: boolean
}

export interface KeywordsFormField extends BaseFormField {
  kind: 'keywords'
  /** Translation key of the placeholder of the keyword input. */
  placeholder?: string
}

export interface TimeWindowFormField extends BaseFormField {
  kind: 'time-window'
  /** Whether the days of the week are editable. @default true */
  withDays?: boolean
}

export interface MediaFormField extends BaseFormField {
  kind: 'media'
  /** MIME type patterns accepted by the picker. @default ['image/*', 'video/*', 'audio/*', 'application/pdf'] */
  accept?: string[]
}

/** Picker of one of the tenant's channel instances; `null` means the campaign's instance. */
export interface InstanceFormField extends BaseFormField {
  kind: 'instance'
}

/**
 * Picker of a contact field, shown by its label and stored as its key
 * (a string), such as `city` or `plan`. The editor offers the standard
 * attributes (`name`, `first_name`, `phone`, `email`, `city`, `language`,
 * `tags`) and the tenant's custom fields. A key the tenant no longer has
 * is shown as missing. The keys and types are those of `NodeContact.fields`,
 * so `NodeValidationContext.contactFields` checks a stored key at publish.
 */
export interface ContactFieldFormField extends BaseFormField {
  kind: 'contact-field'
  /**
   * Fields offered: `all`, or only the tenant's `custom` fields
   * (the ones `ContactUpdate.fields` can set). @default 'all'
   */
  include?: 'all' | 'custom'
  /** Whether "none" is offered, stored as `null`. @default false */
  allowNone?: boolean
}

/**
 * Picker of one of the tenant's contact lists, shown by its name and
 * stored as its id (a number), so renaming the list keeps the node working.
 * A list deleted since is shown as missing. "None" is stored as `null`.
 */
export interface ContactListFormField extends BaseFormField {
  kind: 'contact-list'
}

/** A repeated group of fields whose value is an array of objects. */
export interface ListFormField extends BaseFormField {
  kind: 'list'
  /** Fields of one item. */
  itemFields: FormField[]
  /** Translation key of the "add" button. */
  addLabel: string
  /**
   * Translation key of what one item is, shown with its number above each
   * item ("Reply rule 2"). @default the word "Item"
   */
  itemLabel?: string
  /**
   * Counting of the items after `itemLabel`: `numbers` (1, 2, 3) or
   * `letters` (A, B, C), for items whose ports or summaries read by letter.
   *
   * @default 'numbers'
   */
  itemNumbering?: 'numbers' | 'letters'
  /** Fewest items. @default 0 */
  minItems?: number
  /** Most items. @default undefined */
  maxItems?: number
}

export type FormField =
  | TextFormField
  | TextareaFormField
  | NumberFormField
  | BooleanFormField
  | DurationFormField
  | SelectFormField
  | TemplateFormField
  | KeywordsFormField
  | TimeWindowFormField
  | MediaFormField
  | InstanceFormField
  | ContactFieldFormField
  | ContactListFormField
  | ListFormField

export type FormFieldKind = FormField['kind']

/** Every field kind, for validation of contributed forms. */
export const FORM_FIELD_KINDS: FormFieldKind[] = [
  'text',
  'textarea',
  'number',
  'boolean',
  'duration',
  'select',
  'template',
  'keywords',
  'time-window',
  'media',
  'instance',
  'contact-field',
  'contact-list',
  'list',
]
