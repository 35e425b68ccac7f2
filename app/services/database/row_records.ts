import type { LucidModel, LucidRow, ModelAttributes } from '@adonisjs/lucid/types/model'

/**
 * A model's columns read from one row, as a plain object with the model's
 * attribute names and values. Each column's `consume` is applied, so dates
 * are Luxon `DateTime`s and JSON columns are parsed. The row's other
 * columns are in `$extras`. A record has no methods and cannot be saved.
 * It costs much less to build and to read than a model instance, so code
 * that only reads rows takes a record.
 */
export type RowRecord<Model extends LucidModel> = Readonly<ModelAttributes<InstanceType<Model>>> & {
  $extras: Record<string, any>
}

type Consume = (value: unknown, attribute: string, model: LucidRow) => unknown

interface ColumnReader {
  attribute: string
  consume: Consume | null
}

/**
 * Returns the function that turns a row of `model`'s table into a
 * `RowRecord`. A column's `consume` gets a stand-in for the model
 * instance, whose error messages name the model.
 */
export function rowReader<Model extends LucidModel>(model: Model) {
  let columns: Map<string, ColumnReader> | null = null
  const standIn = Object.create(model.prototype) as LucidRow

  function columnsOf() {
    model.boot()
    const found = new Map<string, ColumnReader>()
    for (const [columnName, attribute] of Object.entries(model.$keys.columnsToAttributes.all())) {
      const definition = model.$getColumn(attribute)
      found.set(columnName, {
        attribute,
        consume: typeof definition?.consume === 'function' ? definition.consume : null,
      })
    }
    return found
  }

  return (row: Record<string, unknown>): RowRecord<Model> => {
    columns ??= columnsOf()
    const record: Record<string, unknown> = { $extras: {} }
    const extras = record.$extras as Record<string, unknown>
    for (const key in row) {
      const column = columns.get(key)
      if (!column) {
        extras[key] = row[key]
      } else {
        const value = row[key]
        record[column.attribute] = column.consume
          ? column.consume(value, column.attribute, standIn)
          : value
      }
    }
    return record as RowRecord<Model>
  }
}
