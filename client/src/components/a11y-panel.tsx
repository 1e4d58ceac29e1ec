import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { FONT_STEPS, usePrefs } from '../lib/prefs.js'

/** "Version for the visually impaired": text size steps, high contrast, images off. */
export function A11yPanel() {
  const { t } = useTranslation()
  const { prefs, update } = usePrefs()
  const [open, setOpen] = useState(false)
  const panelId = useId()
  const step = FONT_STEPS.findIndex((s) => s >= prefs.fontScale)
  const setStep = (i: number) => update({ fontScale: FONT_STEPS[Math.max(0, Math.min(FONT_STEPS.length - 1, i))] })
  const active = prefs.highContrast || prefs.hideImages || prefs.fontScale > 1
  return (
    <div className="a11y">
      <button
        type="button"
        className="a11y-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        <svg aria-hidden="true" focusable="false" width="20" height="14" viewBox="0 0 20 14" className="icon">
          <path
            d="M10 1C5 1 1.7 4.3.5 7c1.2 2.7 4.5 6 9.5 6s8.3-3.3 9.5-6C18.3 4.3 15 1 10 1zm0 10a4 4 0 110-8 4 4 0 010 8zm0-6a2 2 0 100 4 2 2 0 000-4z"
            fill="currentColor"
          />
        </svg>{' '}
        {t('a11y.toggle')}
        {active ? ` · ${t('a11y.on')}` : ''}
      </button>
      <div id={panelId} className="a11y-panel" hidden={!open} role="group" aria-label={t('a11y.toggle')}>
        <div className="a11y-row" role="group" aria-label={t('a11y.fontSize')}>
          <span aria-hidden="true">{t('a11y.fontSize')}:</span>
          <button type="button" onClick={() => setStep(step - 1)} disabled={step <= 0} aria-label={t('a11y.smaller')}>
            A−
          </button>
          <output aria-live="polite">{Math.round(prefs.fontScale * 100)}%</output>
          <button
            type="button"
            onClick={() => setStep(step + 1)}
            disabled={step >= FONT_STEPS.length - 1}
            aria-label={t('a11y.larger')}
          >
            A+
          </button>
        </div>
        <label className="a11y-row">
          <input
            type="checkbox"
            checked={prefs.highContrast}
            onChange={(e) => update({ highContrast: e.target.checked })}
          />
          {t('a11y.highContrast')}
        </label>
        <label className="a11y-row">
          <input
            type="checkbox"
            checked={prefs.hideImages}
            onChange={(e) => update({ hideImages: e.target.checked })}
          />
          {t('a11y.hideImages')}
        </label>
        <button
          type="button"
          className="btn-link"
          onClick={() => update({ fontScale: 1, highContrast: false, hideImages: false })}
        >
          {t('a11y.reset')}
        </button>
      </div>
    </div>
  )
}
