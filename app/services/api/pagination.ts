import type { LucidRow, ModelPaginatorContract } from '@adonisjs/lucid/types/model'
import { DEFAULT_PER_PAGE } from '#validators/api'

/** `page` and `perPage` of a validated list request, with their defaults. */
export function pageOf(input: { page?: number; perPage?: number }) {
  return { page: input.page ?? 1, perPage: input.perPage ?? DEFAULT_PER_PAGE }
}

/** A page of rows as every API list returns it: `{ data, meta }`. */
export function paginated<Row extends LucidRow, Item>(
  rows: ModelPaginatorContract<Row>,
  serialize: (row: Row) => Item
) {
  return {
    data: rows.all().map((row) => serialize(row)),
    meta: {
      total: rows.total,
      perPage: rows.perPage,
      currentPage: rows.currentPage,
      lastPage: rows.lastPage,
    },
  }
}
