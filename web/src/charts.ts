// ECharts, only the parts the console draws: bars, lines, funnels and heat maps on a canvas.
import { BarChart, FunnelChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom';

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

const live = new Set<echarts.ECharts>();
window.addEventListener('resize', () => live.forEach((c) => c.resize()));

// A chart in a box of its own; `data-chart` names it for the browser tests.
export function chart(name: string, option: echarts.EChartsCoreOption, height = 300): HTMLElement {
  const box = h('div', { class: 'chart', 'data-chart': name, style: `height:${height}px` });
  // Drawn once the box is in the page and has a size.
  requestAnimationFrame(() => {
    const c = echarts.init(box);
    c.setOption(option);
    live.add(c);
    box.dataset.rendered = 'true';
  });
  return box;
}

export function disposeCharts(): void {
  live.forEach((c) => c.dispose());
  live.clear();
}
