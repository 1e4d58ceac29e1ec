import { lazy, Suspense, useId } from 'react'
import { useTranslation } from 'react-i18next'

export interface RichEditorProps {
  label: string
  value: string
  onChange(html: string): void
  error?: string
  lang?: string
}

// TipTap (ProseMirror) is loaded only by the pages that edit rich text.
const TiptapEditor = lazy(() => import('./rich-editor-tiptap.js'))

/** The rich-text editor of news bodies (see rich-editor-tiptap.tsx); a labelled placeholder while it loads. */
export function RichEditor(props: RichEditorProps) {
  return (
    <Suspense fallback={<Placeholder label={props.label} />}>
      <TiptapEditor {...props} />
    </Suspense>
  )
}

function Placeholder({ label }: { label: string }) {
  const { t } = useTranslation()
  const id = useId()
  return (
    <div className="field rich">
      <span className="label" id={id}>
        {label}
      </span>
      <div className="rich-area prose" aria-labelledby={id} aria-busy="true" role="status">
        {t('status.loading')}
      </div>
    </div>
  )
}
