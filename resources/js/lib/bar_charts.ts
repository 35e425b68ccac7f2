import {
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartOptions,
} from 'chart.js'

// Only the registered chart.js parts are bundled; registering a part twice is harmless.
Chart.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend)

/**
 * Returns the options every bar chart of the product shares: drawn at
 * once without animation, sized by its container, with whole numbers on
 * the count axis from zero. `horizontal` lays the bars along the x axis.
 */
export function barChartOptions(
  locale: string,
  options: { horizontal?: boolean; legend?: boolean } = {}
): ChartOptions<'bar'> {
  const countAxis = { beginAtZero: true, ticks: { precision: 0 } }
  return {
    indexAxis: options.horizontal ? 'y' : 'x',
    locale,
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: options.legend === false ? { display: false } : { position: 'bottom' } },
    scales: options.horizontal ? { x: countAxis } : { y: countAxis },
  }
}
