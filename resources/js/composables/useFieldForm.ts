import { watch } from 'vue'
import { useForm, usePage } from '@inertiajs/vue3'
import type { FormDataType } from '@inertiajs/core'

/**
 * Flattens form data into values by dotted path, the way the server names
 * its error keys (`config.failurePercent`, `variables.2.name`). Files,
 * dates and other class instances are leaves, compared by identity.
 */
export function flattenFields(value: unknown, path = '', into = new Map<string, unknown>()) {
  const plain =
    value !== null &&
    typeof value === 'object' &&
    (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)
  if (!plain) {
    into.set(path, value)
    return into
  }
  for (const [key, child] of Object.entries(value as object)) {
    flattenFields(child, path === '' ? key : `${path}.${key}`, into)
  }
  return into
}

/** Returns the paths whose value differs between two flattened copies, removed paths included. */
export function changedPaths(before: Map<string, unknown>, after: Map<string, unknown>) {
  const paths = new Set([...before.keys(), ...after.keys()])
  return [...paths].filter((path) => before.get(path) !== after.get(path))
}

/** Tells whether an error key concerns a changed path: the same field, a part of it or its parent. */
export function concerns(errorKey: string, path: string) {
  return errorKey === path || path.startsWith(`${errorKey}.`) || errorKey.startsWith(`${path}.`)
}

/** Returns the keys of `errors` that a change of `paths` concerns. */
export function errorsConcerned(errors: Record<string, unknown>, paths: string[]) {
  return Object.keys(errors).filter((key) => paths.some((path) => concerns(key, path)))
}

/**
 * Calls `changed` with the dotted paths whose value changed each time
 * `source` changes, such as `rules.1.rules.0.value`, to clear the errors
 * those paths concern (see `errorsConcerned`). `rebase` takes the current
 * data as the new starting point without reporting a change.
 */
export function watchChangedPaths(source: () => unknown, changed: (paths: string[]) => void) {
  let previous = flattenFields(source())
  watch(
    source,
    (current) => {
      const next = flattenFields(current)
      const paths = changedPaths(previous, next)
      previous = next
      if (paths.length > 0) {
        changed(paths)
      }
    },
    { deep: true }
  )
  return {
    rebase() {
      previous = flattenFields(source())
    },
  }
}

/**
 * Inertia's form helper whose server errors of a field clear as soon as
 * the member changes that field, so a fixed field stops showing its
 * message and `aria-invalid` before the next submit. Errors of other
 * fields stay until those change or the form is submitted again, and a
 * `reset()` clears none.
 */
export function useFieldForm<TForm extends FormDataType<TForm>>(data: TForm) {
  const form = useForm<TForm>(data)

  const changes = watchChangedPaths(
    () => form.data(),
    (paths) => {
      const cleared = errorsConcerned(form.errors, paths)
      if (cleared.length > 0) {
        form.clearErrors(...(cleared as Parameters<typeof form.clearErrors>))
      }
    }
  )

  // The page's live reload can reach the server just after a submit and take its errors,
  // so the form also takes its own fields' errors from any response of the page.
  const page = usePage()
  const adoptPageErrors = (errors: Record<string, string> | undefined) => {
    const fields = Object.keys(form.data())
    const own = Object.entries(errors ?? {}).filter(([key]) => fields.includes(key.split('.')[0]))
    if (own.length > 0) {
      form.setError(Object.fromEntries(own) as Parameters<typeof form.setError>[0])
    }
  }
  watch(
    () => page.props.errors,
    (errors) => adoptPageErrors(errors as Record<string, string> | undefined)
  )

  // A reset is no fix by the member: clearing the password after a failed
  // login, say, keeps the error that explains the failure.
  const reset = form.reset.bind(form)
  form.reset = (...fields) => {
    reset(...fields)
    changes.rebase()
    return form
  }

  return form
}
