import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react'
import { useLocation } from 'react-router-dom'

/**
 * A disclosure (a button that shows or hides a box of links): closes on navigation, a pointer
 * down elsewhere, focus leaving the box, and Escape (which returns focus to the button).
 */
export function useDisclosure<B extends HTMLElement = HTMLElement>() {
  const { pathname } = useLocation()
  const [open, setOpen] = useState(false)
  const button = useRef<HTMLButtonElement>(null)
  const box = useRef<B>(null)
  const id = useId()
  useEffect(() => setOpen(false), [pathname])
  useEffect(() => {
    if (!open) return
    const away = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', away)
    return () => document.removeEventListener('pointerdown', away)
  }, [open])
  return {
    open,
    setOpen,
    button,
    box,
    id,
    boxProps: {
      ref: box,
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key !== 'Escape' || !open) return
        e.stopPropagation() // the innermost disclosure closes first
        setOpen(false)
        button.current?.focus()
      },
      onBlur: (e: FocusEvent) => {
        if (open && !box.current?.contains(e.relatedTarget as Node | null)) setOpen(false)
      },
    },
    buttonProps: {
      ref: button,
      type: 'button' as const,
      'aria-expanded': open,
      'aria-controls': id,
      onClick: () => setOpen(!open),
    },
  }
}
