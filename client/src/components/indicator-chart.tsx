import { useEffect, useRef } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

/**
 * A year's monthly series against its target line, drawn by uPlot (small, maintained; imported
 * only by the indicators page's chunk). The canvas is hidden from screen readers: the page puts
 * the same numbers in a table beside it.
 */
export function IndicatorChart({
  values,
  target,
  labels,
}: {
  values: (number | null)[]
  target: number
  labels: { value: string; target: string }
}) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const months = values.map((_, i) => i + 1)
    const data: uPlot.AlignedData = [months, values, values.map(() => target)]
    const width = () => Math.max(240, Math.floor(el.clientWidth))
    const plot = new uPlot(
      {
        width: width(),
        height: 180,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [{ values: (_u, ticks) => ticks.map((m) => String(m)) }, { size: 44 }],
        series: [
          {},
          { label: labels.value, stroke: '#0b5394', width: 2, fill: 'rgba(11,83,148,0.08)', points: { size: 5 } },
          { label: labels.target, stroke: '#b45309', width: 1.5, dash: [6, 4], points: { show: false } },
        ],
      },
      data,
      el,
    )
    const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: 180 }))
    ro.observe(el)
    return () => {
      ro.disconnect()
      plot.destroy()
    }
  }, [values, target, labels.value, labels.target])
  return <div ref={box} className="indicator-chart" aria-hidden="true" />
}
