// The morning dashboard: GMV, new friends, pass rate, repurchase, active customers; the channel
// funnel, channel ROI and a daily trend over a chosen range.
import { api } from '../api';
import { chart } from '../charts';
import { card, empty, h, load } from '../dom';
import { count, money, percent, t, type MessageKey } from '../i18n';

interface Value {
  gmv_fen: number;
  repurchase_rate: number;
  buyers: number;
}
interface ChannelFunnel {
  stages: string[];
  total: { reached: number[] };
}
interface Roi {
  channels: { code: string; name: string; spend_fen: number; net_90d_fen: number }[];
}
interface Trend {
  from: string;
  to: string;
  active_customers: number;
  days: { day: string; gmv_fen: number; orders: number; new_friends: number; active: number }[];
}

function kpi(label: string, value: string, name: string): HTMLElement {
  return h('div', { class: 'kpi', 'data-kpi': name }, h('div', { class: 'kpi-value' }, value), h('div', { class: 'kpi-label' }, label));
}

export function overviewPage(): HTMLElement {
  // Empty until the first answer: the server's default range is the last 30 days in the
  // workspace's time zone, which may already be tomorrow here.
  const from = h('input', { type: 'date', 'aria-label': t('overview.from') });
  const to = h('input', { type: 'date', 'aria-label': t('overview.to') });
  const kpis = h('div', { class: 'kpis' });
  const trendHost = h('div');
  const chartsHost = h('div');
  // Asked once per visit (again after a failure, for Retry); the date range changes only the trend.
  let asked: Promise<[Value, ChannelFunnel]> | null = null;
  const totals = () =>
    (asked ??= Promise.all([api.get<Value>('/v1/reports/value'), api.get<ChannelFunnel>('/v1/reports/funnel')]).catch((e) => {
      asked = null;
      throw e;
    }));

  const refreshTrend = () =>
    load(trendHost, async () => {
      const range = from.value && to.value ? `?from=${from.value}&to=${to.value}` : '';
      const trend = await api.get<Trend>(`/v1/reports/trend${range}`);
      from.value = trend.from;
      to.value = trend.to;
      const [value, funnel] = await totals();
      const reached = funnel.total.reached;
      const friends = trend.days.reduce((s, d) => s + d.new_friends, 0);
      kpis.replaceChildren(
        kpi(t('overview.gmv'), money(value.gmv_fen), 'gmv'),
        kpi(t('overview.new_friends'), count(friends), 'new_friends'),
        kpi(t('overview.pass_rate'), reached[0] ? percent(reached[1] / reached[0]) : '—', 'pass_rate'),
        kpi(t('overview.repurchase'), percent(value.repurchase_rate), 'repurchase'),
        kpi(t('overview.active'), count(trend.active_customers), 'active'),
      );
      return chart('trend', {
        tooltip: { trigger: 'axis' },
        legend: { data: [t('metric.gmv'), t('metric.active'), t('metric.new_friends')] },
        xAxis: { type: 'category', data: trend.days.map((d) => d.day) },
        yAxis: [{ type: 'value', name: '¥' }, { type: 'value' }],
        series: [
          { name: t('metric.gmv'), type: 'line', smooth: true, data: trend.days.map((d) => d.gmv_fen / 100) },
          { name: t('metric.active'), type: 'line', yAxisIndex: 1, data: trend.days.map((d) => d.active) },
          { name: t('metric.new_friends'), type: 'bar', yAxisIndex: 1, data: trend.days.map((d) => d.new_friends) },
        ],
      });
    });

  void load(chartsHost, async () => {
    const [[, funnel], roi] = await Promise.all([totals(), api.get<Roi>('/v1/reports/channels')]);
    const stageNames = funnel.stages.map((s) => t(`stage.${s}` as MessageKey));
    const funnelChart = chart('funnel', {
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          data: funnel.total.reached.map((n, i) => ({ name: stageNames[i], value: n })),
          label: { formatter: '{b}: {c}' },
        },
      ],
    });
    const roiBody = roi.channels.length
      ? chart('roi', {
          tooltip: { trigger: 'axis' },
          legend: { data: [t('overview.spend'), t('overview.net90')] },
          xAxis: { type: 'category', data: roi.channels.map((c) => c.name || c.code), axisLabel: { interval: 0, rotate: 30 } },
          yAxis: { type: 'value', name: '¥' },
          series: [
            { name: t('overview.spend'), type: 'bar', data: roi.channels.map((c) => c.spend_fen / 100) },
            { name: t('overview.net90'), type: 'bar', data: roi.channels.map((c) => c.net_90d_fen / 100) },
          ],
        })
      : empty(t('overview.no_channels'));
    return h('div', { class: 'two' }, card(t('overview.funnel'), funnelChart), card(t('overview.roi'), roiBody));
  });
  void refreshTrend();

  return h(
    'div',
    {},
    h('h1', {}, t('overview.title')),
    kpis,
    chartsHost,
    card(
      t('overview.trend'),
      h(
        'form',
        { class: 'range', onsubmit: (e: Event) => { e.preventDefault(); void refreshTrend(); } },
        h('label', {}, t('overview.from'), ' ', from),
        h('label', {}, t('overview.to'), ' ', to),
        h('button', { type: 'submit' }, t('overview.apply')),
      ),
      trendHost,
    ),
  );
}
