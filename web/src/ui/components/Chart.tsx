// A Chart.js canvas: the chart is rebuilt when its config or the theme changes.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { useEffect, useRef } from 'preact/hooks';
import { cssVar } from '../theme';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  MatrixController,
  MatrixElement,
);

interface Props {
  config: () => ChartConfiguration;
  deps: unknown[];
  theme: string;
  height?: number;
  label: string;
  testid?: string;
}

export function ChartView({ config, deps, theme, height = 260, label, testid }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    Chart.defaults.color = cssVar('--muted');
    Chart.defaults.borderColor = cssVar('--grid');
    Chart.defaults.font.family = cssVar('--font') || 'system-ui';
    Chart.defaults.animation = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? false : Chart.defaults.animation;
    const chart = new Chart(canvas.current, config());
    return () => chart.destroy();
  }, [theme, ...deps]);
  return (
    <div class="chart" data-testid={testid} data-height={height}>
      <div class={`chart-box h${height}`}>
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
    </div>
  );
}
