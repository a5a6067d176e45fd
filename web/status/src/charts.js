// The four charts of the status page, on Chart.js with only the parts
// they use registered (so the bundle stays small).
import {
  Chart, LineController, LineElement, PointElement, BarController, BarElement,
  LinearScale, CategoryScale, Legend, Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement,
  LinearScale, CategoryScale, Legend, Tooltip);

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626'];

// Live updates replace the data every poll: no animation, no points.
const common = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  plugins: { legend: { position: 'bottom' } },
  elements: { point: { radius: 0 } },
};

function lineChart(canvas, names, yOptions) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: [],
      datasets: names.map((n, i) => ({
        label: n, data: [], borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length], borderWidth: 2, spanGaps: false,
      })),
    },
    options: { ...common, scales: { x: { ticks: { maxTicksLimit: 6 } }, y: yOptions } },
  });
}

// linksChart draws each link as a step line near 1 (up) or near 0 (down);
// the lines are slightly apart so that none hides another (see linkLevel).
export function linksChart(canvas, roles) {
  const c = lineChart(canvas, roles, {
    min: -0.15,
    max: 1.15,
    afterBuildTicks: (axis) => { axis.ticks = [{ value: 0 }, { value: 1 }]; },
    ticks: { callback: (v) => (v === 1 ? 'up' : 'down') },
  });
  c.data.datasets.forEach((d) => { d.stepped = true; });
  c.options.plugins.tooltip = {
    callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.parsed.y > 0.5 ? 'up' : 'down'}` },
  };
  return c;
}

// rateChart draws MT and MO messages per second.
export function rateChart(canvas) {
  return lineChart(canvas, ['MT/s (to phones)', 'MO/s (from phones)'], { beginAtZero: true, suggestedMax: 1 });
}

// queueChart draws the pending messages of both queues.
export function queueChart(canvas) {
  return lineChart(canvas, ['MT pending', 'MO pending'], { beginAtZero: true, suggestedMax: 5, ticks: { precision: 0 } });
}

// pagesChart draws the busiest live pages as horizontal bars.
export function pagesChart(canvas) {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'occupants', data: [], backgroundColor: COLORS[0] }] },
    options: {
      ...common,
      indexAxis: 'y',
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, suggestedMax: 5, ticks: { precision: 0 } } },
    },
  });
}

// setSeries copies a Series into a line chart and redraws it.
export function setSeries(chart, series) {
  chart.data.labels = series.labels.slice();
  Object.values(series.data).forEach((arr, i) => {
    chart.data.datasets[i].data = arr.slice();
  });
  chart.update('none');
}

// setBars replaces a bar chart's labels and values and redraws it.
export function setBars(chart, labels, values) {
  chart.data.labels = labels;
  chart.data.datasets[0].data = values;
  chart.update('none');
}
