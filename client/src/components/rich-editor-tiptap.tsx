import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react'
import Link from '@tiptap/extension-link'
import StarterKit from '@tiptap/starter-kit'
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { sanitizeHtml } from '../lib/html.js'
import type { RichEditorProps } from './rich-editor.js'

/**
 * Links render exactly as the server's sanitizer keeps them: `href`, and for external links
 * `rel="noopener noreferrer" target="_blank"`; nothing else.
 */
const SafeLink = Link.extend({
  renderHTML({ HTMLAttributes }) {
    const href = String(HTMLAttributes.href ?? '')
    return ['a', /^https?:\/\//i.test(href) ? { href, rel: 'noopener noreferrer', target: '_blank' } : { href }, 0]
  },
}).configure({
  openOnClick: false,
  autolink: true,
  protocols: [],
  defaultProtocol: 'https',
  isAllowedUri: (url) => /^(https?:\/\/|mailto:)/i.test(url),
})

/** The StarterKit subset whose markup the server's sanitizer keeps (no code, no rules, h2–h3). */
const EXTENSIONS = [
  StarterKit.configure({
    code: false,
    codeBlock: false,
    horizontalRule: false,
    link: false,
    trailingNode: false,
    heading: { levels: [2, 3] },
  }),
  SafeLink,
]

interface Cmd {
  key: string
  label: string
  icon: ReactNode
  run(e: Editor): void
  /** A toggle: announced as pressed when the selection has it. */
  active?: (e: Editor) => boolean
  shortcut?: string
}

/**
 * The news body editor on TipTap (ProseMirror): a labelled multi-line textbox and a toolbar that
 * is one tab stop with arrow keys inside (WAI-ARIA toolbar pattern); toggles say whether they are
 * on. It emits the HTML the server keeps ('' when empty).
 */
export default function TiptapEditor({ label, value, onChange, error, lang }: RichEditorProps) {
  const { t } = useTranslation()
  const id = useId()
  const toolbar = useRef<HTMLDivElement>(null)
  const last = useRef<string>(value)
  const onChangeRef = useRef(onChange)
  onChangeRef.current = onChange
  const attributes = () => ({
    id: `${id}-area`,
    class: 'rich-area prose',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-labelledby': `${id}-label`,
    ...(error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-err` } : {}),
    ...(lang ? { lang } : {}),
  })
  const editor = useEditor({
    extensions: EXTENSIONS,
    content: sanitizeHtml(value),
    editorProps: { attributes: attributes() },
    onUpdate: ({ editor: e }) => {
      const html = e.isEmpty ? '' : e.getHTML()
      last.current = html
      onChangeRef.current(html)
    },
  })
  // Only outside changes (a loaded article) go into the document: typing must not reset the caret.
  useEffect(() => {
    if (editor && value !== last.current) {
      last.current = value
      editor.commands.setContent(sanitizeHtml(value), { emitUpdate: false })
    }
  }, [editor, value])
  useEffect(() => {
    editor?.setOptions({ editorProps: { attributes: attributes() } })
    // attributes() depends only on these
  }, [editor, error, lang, id])

  const cmds: Cmd[] = [
    {
      key: 'b',
      label: t('editor.bold'),
      icon: 'B',
      run: (e) => e.chain().focus().toggleBold().run(),
      active: (e) => e.isActive('bold'),
      shortcut: 'Ctrl+B',
    },
    {
      key: 'i',
      label: t('editor.italic'),
      icon: 'I',
      run: (e) => e.chain().focus().toggleItalic().run(),
      active: (e) => e.isActive('italic'),
      shortcut: 'Ctrl+I',
    },
    {
      key: 'h2',
      label: t('editor.h2'),
      icon: 'H2',
      run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run(),
      active: (e) => e.isActive('heading', { level: 2 }),
    },
    {
      key: 'h3',
      label: t('editor.h3'),
      icon: 'H3',
      run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run(),
      active: (e) => e.isActive('heading', { level: 3 }),
    },
    { key: 'p', label: t('editor.paragraph'), icon: '¶', run: (e) => e.chain().focus().setParagraph().run() },
    {
      key: 'ul',
      label: t('editor.bulleted'),
      icon: '•',
      run: (e) => e.chain().focus().toggleBulletList().run(),
      active: (e) => e.isActive('bulletList'),
    },
    {
      key: 'ol',
      label: t('editor.numbered'),
      icon: '1.',
      run: (e) => e.chain().focus().toggleOrderedList().run(),
      active: (e) => e.isActive('orderedList'),
    },
    {
      key: 'q',
      label: t('editor.quote'),
      icon: '“',
      run: (e) => e.chain().focus().toggleBlockquote().run(),
      active: (e) => e.isActive('blockquote'),
    },
    {
      key: 'a',
      label: t('editor.link'),
      icon: svg(CHAIN),
      run: (e) => {
        const url = window.prompt(t('editor.linkPrompt'), 'https://')?.trim()
        if (url && /^(https?:\/\/|mailto:)/i.test(url))
          e.chain().focus().extendMarkRange('link').setLink({ href: url }).run()
        else e.commands.focus()
      },
      active: (e) => e.isActive('link'),
    },
    {
      key: 'ua',
      label: t('editor.unlink'),
      icon: svg(`${CHAIN}M2 2l12 12`),
      run: (e) => e.chain().focus().extendMarkRange('link').unsetLink().run(),
    },
    {
      key: 'x',
      label: t('editor.clear'),
      icon: 'T×',
      run: (e) => e.chain().focus().unsetAllMarks().clearNodes().run(),
    },
  ]
  const pressed = useEditorState({
    editor,
    selector: ({ editor: e }) => (e ? cmds.map((c) => (c.active ? c.active(e) : undefined)) : []),
    equalityFn: (a, b) => a.length === b?.length && a.every((x, i) => x === b[i]),
  })

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
            aria-pressed={c.active ? Boolean(pressed?.[k]) : undefined}
            disabled={!editor}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => editor && c.run(editor)}
          >
            <span aria-hidden="true">{c.icon}</span>
          </button>
        ))}
      </div>
      <EditorContent editor={editor} />
      {error && (
        <span className="field-error" id={`${id}-err`}>
          {error}
        </span>
      )}
    </div>
  )
}

const CHAIN = 'M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 013.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 014.5 9l1-1'
function svg(d: string) {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" focusable="false">
      <path d={d} stroke="currentColor" fill="none" strokeWidth="1.6" />
    </svg>
  )
}
