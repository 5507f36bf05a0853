// Completion for the filter bar: what the word at the cursor may become. After
// a field and an operator it offers the field's words (action: allow, deny …);
// elsewhere the field names that start with (or contain) what was typed.

import type { Field } from '../api/types'

export interface Suggestion {
  text: string // what replaces the word
  detail: string
}

export interface Completion {
  from: number // 0-based index of the word's start
  to: number // and its end
  items: Suggestion[]
}

const KEYWORDS = ['and', 'or', 'not', 'in']

export function complete(input: string, cursor: number, fields: Field[], max = 12): Completion | null {
  let from = cursor
  while (from > 0 && /[A-Za-z0-9_.]/.test(input[from - 1])) from--
  let to = cursor
  while (to < input.length && /[A-Za-z0-9_.]/.test(input[to])) to++
  const word = input.slice(from, cursor).toLowerCase()
  const before = input.slice(0, from)
  if (insideQuotes(before)) return null

  // A value: "field op " or "field in (a, " before the word.
  const valueOf = /([A-Za-z_][A-Za-z0-9_.]*)\s*(?:!=|<=|>=|=|<|>|~|(?:not\s+)?in\s*\([^)]*)\s*$/i.exec(before)
  if (valueOf) {
    const f = fields.find((x) => x.name === valueOf[1].toLowerCase())
    if (!f?.values?.length) return null
    const items = f.values.filter((v) => v.toLowerCase().startsWith(word)).map((v) => ({ text: v, detail: f.name }))
    return items.length ? { from, to, items: items.slice(0, max) } : null
  }
  if (!word) return null
  if (KEYWORDS.includes(word)) return null
  const starts = fields.filter((f) => f.name.startsWith(word))
  const has = fields.filter((f) => !f.name.startsWith(word) && f.name.includes(word))
  const items = [...starts, ...has].map((f) => ({ text: f.name, detail: f.type + ' · ' + f.doc }))
  if (items.length === 1 && items[0].text === word) return null
  return items.length ? { from, to, items: items.slice(0, max) } : null
}

function insideQuotes(s: string): boolean {
  let q: string | null = null
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (q) {
      if (c === '\\') i++
      else if (c === q) q = null
    } else if (c === '"' || c === "'") q = c
  }
  return q !== null
}

// apply puts a suggestion in place of the word and returns the new text and cursor.
export function apply(input: string, c: Completion, s: Suggestion): { text: string; cursor: number } {
  const text = input.slice(0, c.from) + s.text + input.slice(c.to)
  return { text, cursor: c.from + s.text.length }
}
