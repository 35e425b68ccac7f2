/**
 * Form fields: a declarative description of a form that the flow editor,
 * the plugin settings page and the channel instance form render without any
 * plugin-specific front-end code. Each field edits one key of the
 * configuration object; the server validates the submitted object against
 * the VineJS schema that sits next to the fields, so the fields describe the
 * form and the schema is the contract.
 */

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
}

export interface TextFormField extends BaseFormField {
  kind: 'text'
  /** Translation key of the placeholder. @default undefined */
  placeholder?: string
  /** Maximum length in characters. @default undefined (no limit in the form) */
  maxLength?: number
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
}

export interface SelectFormField extends BaseFormField {
  kind: 'select'
  options: SelectOption[]
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
  'list',
]
