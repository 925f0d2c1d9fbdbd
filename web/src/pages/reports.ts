// Reports: the cohort repurchase triangle as a heat map, the channel funnel, LTV by channel and
// the touchpoint × stage grid with its gaps.
import { api } from '../api';
import { chart } from '../charts';
import { card, empty, h, load, table } from '../dom';
import { count, locale, percent, t, type MessageKey } from '../i18n';

interface Cohorts {
  rows: { cohort: string; customers: number; buyers: number[] }[];
}
interface Funnel {
  stages: string[];
  rows: { channel: string; reached: number[]; overall_conversion: number[] }[];
}
interface Ltv {
  channels: { channel: string; historical_fen: number; ltv_fen: number; customers: number }[];
}
interface Grid {
  stages: { stage: string; name_zh: string }[];
  touchpoints: { touchpoint: string; name_zh: string; cells: { results: number; customers: number; flag: string }[] }[];
  gaps: { touchpoint: string; stage: string; en: string; zh: string }[];
}

function cohortHeatmap(c: Cohorts): HTMLElement {
  if (!c.rows.length) return empty(t('reports.no_cohorts'));
  const width = Math.max(...c.rows.map((r) => r.buyers.length));
  const data: [number, number, number][] = [];
  c.rows.forEach((r, y) => r.buyers.forEach((b, x) => data.push([x, y, r.customers ? Math.round((b / r.customers) * 1000) / 10 : 0])));
  return chart('cohorts', {
    tooltip: { formatter: (p: { value: number[] }) => `${p.value[2]}%` },
    grid: { left: 80, right: 20, top: 10, bottom: 60 },
    xAxis: { type: 'category', data: Array.from({ length: width }, (_, i) => t('reports.offset', { n: i })) },
    yAxis: { type: 'category', data: c.rows.map((r) => r.cohort), inverse: true },
    visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d[2])), orient: 'horizontal', left: 'center', bottom: 0, calculable: true },
    series: [{ type: 'heatmap', data, label: { show: c.rows.length <= 14, formatter: (p: { value: number[] }) => `${p.value[2]}` } }],
  }, Math.max(240, c.rows.length * 28 + 80));
}

function gridTable(g: Grid): HTMLElement {
  const zh = locale() === 'zh';
  return h('div', {},
    h('p', { class: 'muted' }, t('reports.grid_hint')),
    h('table', { class: 'grid', 'data-report': 'grid' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), g.stages.map((s) => h('th', {}, zh ? s.name_zh : s.stage)))),
      h('tbody', {}, g.touchpoints.map((tp) => h('tr', {},
        h('th', {}, zh ? tp.name_zh : tp.touchpoint),
        tp.cells.map((c) => h('td', { class: `cell-${c.flag}` }, c.flag === 'empty' ? '—' : `${count(c.results)} / ${count(c.customers)}`)))))),
    h('h3', {}, t('reports.gaps')),
    h('ul', {}, g.gaps.map((gap) => h('li', {}, zh ? gap.zh : gap.en))));
}

export function reportsPage(): HTMLElement {
  const cohorts = h('div'), funnel = h('div'), ltv = h('div'), grid = h('div');
  void load(cohorts, async () => cohortHeatmap(await api.get<Cohorts>('/v1/reports/cohorts')));
  void load(funnel, async () => {
    const f = await api.get<Funnel>('/v1/reports/funnel');
    return table([t('settings.channels'), ...f.stages.map((s) => t(`stage.${s}` as MessageKey))],
      f.rows.map((r) => [r.channel, ...r.reached.map((n, i) => `${count(n)} (${percent(r.overall_conversion[i] ?? 0)})`)]));
  });
  void load(ltv, async () => {
    const r = await api.get<Ltv>('/v1/reports/ltv');
    return chart('ltv', {
      tooltip: { trigger: 'axis' },
      legend: { data: [t('reports.historical'), t('reports.predicted')] },
      xAxis: { type: 'category', data: r.channels.map((c) => c.channel || '—') },
      yAxis: { type: 'value', name: '¥' },
      series: [
        { name: t('reports.historical'), type: 'bar', data: r.channels.map((c) => c.customers ? c.historical_fen / c.customers / 100 : 0) },
        { name: t('reports.predicted'), type: 'bar', data: r.channels.map((c) => c.ltv_fen / 100) },
      ],
    });
  });
  void load(grid, async () => gridTable(await api.get<Grid>('/v1/reports/grid')));
  return h('div', {}, h('h1', {}, t('reports.title')),
    card(t('reports.cohorts'), cohorts),
    card(t('reports.funnel'), funnel),
    h('div', { class: 'two' }, card(t('reports.ltv'), ltv), card(t('reports.grid'), grid)));
}

