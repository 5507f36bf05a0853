// The filter language's field names (GET /api/v1/fields), fetched once.
import { get } from './client'
import type { Field } from './types'

let cached: Promise<Field[]> | undefined

export function fetchFields(): Promise<Field[]> {
  cached ??= get<{ fields: Field[] }>('fields').then(
    (r) => r.fields,
    (e) => {
      cached = undefined // try again next time
      throw e
    },
  )
  return cached
}
