import { useCombobox } from 'downshift'
import { useEffect, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'

export interface Option {
  id: string
  label: string
  /** A second line (e-mail, region), read after the label. */
  detail?: string
}

interface Props {
  label: string
  hint?: string
  /** The options for what is typed (already debounced); called again as the text changes. */
  search(text: string, signal: AbortSignal): Promise<Option[]>
  onPick(option: Option): void
  /** Fewer characters than this list nothing (a council name needs 2). */
  minChars?: number
}

/**
 * A search-as-you-type combobox (ARIA 1.2 pattern through downshift: arrow keys move, Enter picks,
 * Escape closes; the listbox is announced with its count). Shows names, never ids; picking an
 * option hands it to `onPick` and clears the text for the next search.
 */
export function SearchCombobox({ label, hint, search, onPick, minChars = 2 }: Props) {
  const { t } = useTranslation()
  const hintId = useId()
  const [text, setText] = useState('')
  const [items, setItems] = useState<Option[]>([])
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const q = text.trim()
    if (q.length < minChars) {
      setItems([])
      return
    }
    const ctl = new AbortController()
    const timer = setTimeout(() => {
      setBusy(true)
      search(q, ctl.signal)
        .then((found) => setItems(found))
        .catch(() => {})
        .finally(() => !ctl.signal.aborted && setBusy(false))
    }, 200)
    return () => {
      clearTimeout(timer)
      ctl.abort()
    }
  }, [text, minChars, search])
  // The input is left to downshift (a controlled value drops keystrokes typed fast); picking an
  // option empties it for the next search.
  const cb = useCombobox<Option>({
    items,
    itemToString: (o) => o?.label ?? '',
    onInputValueChange: ({ inputValue }) => setText(inputValue ?? ''),
    selectedItem: null,
    stateReducer: (_state, { type, changes }) =>
      type === useCombobox.stateChangeTypes.InputKeyDownEnter || type === useCombobox.stateChangeTypes.ItemClick
        ? { ...changes, inputValue: '' }
        : changes,
    onSelectedItemChange: ({ selectedItem }) => {
      if (!selectedItem) return
      onPick(selectedItem)
      setItems([])
    },
  })
  const q = text.trim()
  const status =
    q.length < minChars
      ? ''
      : busy
        ? t('console.searching')
        : items.length
          ? t('console.found', { count: items.length })
          : t('console.nothingFound')
  return (
    <div className="field combobox">
      <label {...cb.getLabelProps()}>{label}</label>
      <input {...cb.getInputProps({ 'aria-describedby': hint ? hintId : undefined })} type="text" autoComplete="off" />
      {hint && (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      )}
      <ul {...cb.getMenuProps()} className={`combobox-list${cb.isOpen && items.length ? ' open' : ''}`}>
        {cb.isOpen &&
          items.map((o, index) => (
            <li
              key={o.id}
              {...cb.getItemProps({ item: o, index })}
              className={cb.highlightedIndex === index ? 'highlighted' : undefined}
            >
              <span>{o.label}</span>
              {o.detail && <span className="muted small"> · {o.detail}</span>}
            </li>
          ))}
      </ul>
      <span className="sr-only" role="status" aria-live="polite">
        {status}
      </span>
    </div>
  )
}
