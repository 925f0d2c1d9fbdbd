// Charts in boxes of their own; ECharts itself arrives with the first chart (echarts_setup.ts).
import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { h } from './dom';

const live = new Set<EChartsType>();
window.addEventListener('resize', () => live.forEach((c) => c.resize()));
let generation = 0; // charts of a page left behind are not drawn

// `data-chart` names the box for the browser tests; `data-rendered` is set once it is drawn.
export function chart(name: string, option: EChartsCoreOption, height = 300): HTMLElement {
  const box = h('div', { class: 'chart', 'data-chart': name, style: `height:${height}px` });
  const mine = generation;
  void import('./echarts_setup').then(({ echarts }) => {
    // Drawn once the box is in the page (and so has a size); given up with its page.
    const draw = () => {
      if (mine !== generation) return;
      if (!box.isConnected) return void requestAnimationFrame(draw);
      const c = echarts.init(box);
      // Under automation (the browser tests) charts appear at once, so screenshots show them.
      c.setOption({ animation: !navigator.webdriver, ...option });
      live.add(c);
      box.dataset.rendered = 'true';
    };
    requestAnimationFrame(draw);
  });
  return box;
}

export function disposeCharts(): void {
  generation++;
  live.forEach((c) => c.dispose());
  live.clear();
}
