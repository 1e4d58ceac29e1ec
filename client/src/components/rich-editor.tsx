import { useEffect, useId, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { sanitizeHtml } from '../lib/html.js'

type Cmd = { key: string; label: string; run(): void; shortcut?: string }

/**
 * A small rich-text editor (contentEditable) producing only markup the server's sanitizer keeps:
 * paragraphs, h2/h3, bold, italic, lists, links, quotes. Its toolbar is one tab stop with arrow
 * keys inside (WAI-ARIA toolbar pattern).
 */
export function RichEditor({
  label,
  value,
  onChange,
  error,
  lang,
}: {
  label: string
  value: string
  onChange(html: string): void
  error?: string
  lang?: string
}) {
  const { t } = useTranslation()
  const id = useId()
  const area = useRef<HTMLDivElement>(null)
  const toolbar = useRef<HTMLDivElement>(null)
  const last = useRef<string>('')

  // Only push outside changes into the DOM (typing must not reset the caret).
  useEffect(() => {
    if (area.current && value !== last.current) {
      area.current.innerHTML = sanitizeHtml(value)
      last.current = value
    }
  }, [value])

  const emit = () => {
    const html = sanitizeHtml(area.current?.innerHTML ?? '')
    last.current = html
    onChange(html)
  }
  const exec = (command: string, arg?: string) => {
    area.current?.focus()
    document.execCommand(command, false, arg)
    emit()
  }
  const cmds: Cmd[] = [
    { key: 'b', label: t('editor.bold'), run: () => exec('bold'), shortcut: 'Ctrl+B' },
    { key: 'i', label: t('editor.italic'), run: () => exec('italic'), shortcut: 'Ctrl+I' },
    { key: 'h2', label: t('editor.h2'), run: () => exec('formatBlock', 'h2') },
    { key: 'h3', label: t('editor.h3'), run: () => exec('formatBlock', 'h3') },
    { key: 'p', label: t('editor.paragraph'), run: () => exec('formatBlock', 'p') },
    { key: 'ul', label: t('editor.bulleted'), run: () => exec('insertUnorderedList') },
    { key: 'ol', label: t('editor.numbered'), run: () => exec('insertOrderedList') },
    { key: 'q', label: t('editor.quote'), run: () => exec('formatBlock', 'blockquote') },
    {
      key: 'a',
      label: t('editor.link'),
      run: () => {
        const url = window.prompt(t('editor.linkPrompt'), 'https://')
        if (url && /^(https?:\/\/|mailto:)/i.test(url.trim())) exec('createLink', url.trim())
      },
    },
    { key: 'ua', label: t('editor.unlink'), run: () => exec('unlink') },
    { key: 'x', label: t('editor.clear'), run: () => exec('removeFormat') },
  ]
  const chain = 'M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 013.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 014.5 9l1-1'
  const svg = (d: string) => (
    <svg width="16" height="16" viewBox="0 0 16 16" focusable="false">
      <path d={d} stroke="currentColor" fill="none" strokeWidth="1.6" />
    </svg>
  )
  const icons: Record<string, React.ReactNode> = {
    b: 'B',
    i: 'I',
    h2: 'H2',
    h3: 'H3',
    p: '¶',
    ul: '•',
    ol: '1.',
    q: '“',
    a: svg(chain),
    ua: svg(`${chain}M2 2l12 12`),
    x: 'T×',
  }

  const onToolbarKey = (e: React.KeyboardEvent) => {
    const buttons = [...(toolbar.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])]
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement)
    let next = -1
    if (e.key === 'ArrowRight') next = (i + 1) % buttons.length
    else if (e.key === 'ArrowLeft') next = (i - 1 + buttons.length) % buttons.length
    else if (e.key === 'Home') next = 0
    else if (e.key === 'End') next = buttons.length - 1
    if (next < 0) return
    e.preventDefault()
    buttons.forEach((b, k) => (b.tabIndex = k === next ? 0 : -1))
    buttons[next].focus()
  }

  return (
    <div className={`field rich${error ? ' has-error' : ''}`}>
      <span className="label" id={`${id}-label`}>
        {label}
      </span>
      <div
        className="rich-toolbar"
        role="toolbar"
        aria-label={t('editor.toolbar', { field: label })}
        aria-controls={`${id}-area`}
        ref={toolbar}
        onKeyDown={onToolbarKey}
      >
        {cmds.map((c, k) => (
          <button
            key={c.key}
            type="button"
            tabIndex={k === 0 ? 0 : -1}
            title={c.shortcut ? `${c.label} (${c.shortcut})` : c.label}
            aria-label={c.label}
            onMouseDown={(e) => e.preventDefault()}
            onClick={c.run}
          >
            <span aria-hidden="true">{icons[c.key]}</span>
          </button>
        ))}
      </div>
      <div
        id={`${id}-area`}
        ref={area}
        className="rich-area prose"
        contentEditable
        suppressContentEditableWarning
        role="textbox"
        aria-multiline="true"
        aria-labelledby={`${id}-label`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        tabIndex={0}
        lang={lang}
        onInput={emit}
        onBlur={emit}
        onPaste={(e) => {
          // Pasted office documents bring styles and scripts: keep the text structure only.
          e.preventDefault()
          const html = e.clipboardData.getData('text/html')
          const text = e.clipboardData.getData('text/plain')
          document.execCommand(
            'insertHTML',
            false,
            html
              ? sanitizeHtml(html)
              : text
                  .replace(/[&<>]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[ch]!)
                  .replace(/\n/g, '<br>'),
          )
          emit()
        }}
      />
      {error && (
        <span className="field-error" id={`${id}-err`}>
          {error}
        </span>
      )}
    </div>
  )
}
