import {
  useId,
  useRef,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react'

interface Common {
  label: ReactNode
  error?: string
  hint?: ReactNode
  required?: boolean
}

/**
 * A labelled control with its hint and its server-reported error tied to it by
 * aria-describedby (and aria-invalid), so a screen reader reads the message with the field.
 */
function useFieldIds(error?: string, hint?: ReactNode) {
  const id = useId()
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined
  return { id, describedBy }
}
/**
 * A server error stays next to its field until the person changes that field's value: then it is
 * no longer about what is typed there.
 */
function useLiveError(error: string | undefined, value: unknown): string | undefined {
  const at = useRef<{ error?: string; value: unknown }>({ error: undefined, value: undefined })
  if (error !== at.current.error) at.current = { error, value }
  return error && Object.is(at.current.value, value) ? error : undefined
}

function Extras({ id, error, hint }: { id: string; error?: string; hint?: ReactNode }) {
  return (
    <>
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="field-error" id={`${id}-err`}>
          {error}
        </span>
      )}
    </>
  )
}
function Label({ id, label, required }: { id: string; label: ReactNode; required?: boolean }) {
  return (
    <label htmlFor={id}>
      {label}
      {required && (
        <span aria-hidden="true" className="req">
          {' '}
          *
        </span>
      )}
    </label>
  )
}

export function TextField({
  label,
  error: serverError,
  hint,
  required,
  ...rest
}: Common & InputHTMLAttributes<HTMLInputElement>) {
  const error = useLiveError(serverError, rest.value)
  const { id, describedBy } = useFieldIds(error, hint)
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <Label id={id} label={label} required={required} />
      <input
        id={id}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      />
      <Extras id={id} error={error} hint={hint} />
    </div>
  )
}

export function TextArea({
  label,
  error: serverError,
  hint,
  required,
  ...rest
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const error = useLiveError(serverError, rest.value)
  const { id, describedBy } = useFieldIds(error, hint)
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <Label id={id} label={label} required={required} />
      <textarea
        id={id}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      />
      <Extras id={id} error={error} hint={hint} />
    </div>
  )
}

export function SelectField({
  label,
  error: serverError,
  hint,
  required,
  children,
  ...rest
}: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const error = useLiveError(serverError, rest.value)
  const { id, describedBy } = useFieldIds(error, hint)
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <Label id={id} label={label} required={required} />
      <select
        id={id}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...rest}
      >
        {children}
      </select>
      <Extras id={id} error={error} hint={hint} />
    </div>
  )
}

export function Checkbox({
  label,
  error,
  hint,
  ...rest
}: Omit<Common, 'required'> & InputHTMLAttributes<HTMLInputElement>) {
  const { id, describedBy } = useFieldIds(error, hint)
  return (
    <div className={`field field-check${error ? ' has-error' : ''}`}>
      <input type="checkbox" id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...rest} />
      <label htmlFor={id}>{label}</label>
      <Extras id={id} error={error} hint={hint} />
    </div>
  )
}

/** The first error whose path is `path` or below it (`title` matches `title.kk`). */
export function errFor(errors: Record<string, string>, ...paths: string[]): string | undefined {
  for (const p of paths) {
    if (errors[p]) return errors[p]
    const k = Object.keys(errors).find((e) => e.startsWith(`${p}.`))
    if (k) return errors[k]
  }
  return undefined
}
