// The fission campaign board and the distribution programme's totals, above their lists:
// K-factor, invites per participant and cost per customer side by side (GET /v1/reports/growth).
import { api } from '../api';
import { chart } from '../charts';
import { card, empty, h, load, table } from '../dom';
import { count, money, percent, t } from '../i18n';

interface Growth {
  fission: {
    participants: number;
    invites: number;
    qualified: number;
    k_factor: number;
    campaigns: {
      campaign: string;
      name: string;
      kind: string;
      participants: number;
      invites: number;
      invites_per_participant: number;
      qualified: number;
      k_factor: number;
      spent_fen: number;
      cost_per_customer_fen: number;
    }[];
  };
  distribution: { distributors: number; gmv_fen: number; commission_fen: number; commission_cost_bp: number; withdrawn_fen: number };
}

export function fissionBoard(): HTMLElement {
  const host = h('div');
  void load(host, async () => {
    const g = (await api.get<Growth>('/v1/reports/growth')).fission;
    if (!g.campaigns.length) return empty(t('list.empty'));
    return h('div', { class: 'two' },
      chart('k-factor', {
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'category', data: g.campaigns.map((c) => c.name), axisLabel: { interval: 0, width: 120, overflow: 'truncate' } },
        yAxis: { type: 'value', name: 'K' },
        series: [{ type: 'bar', data: g.campaigns.map((c) => c.k_factor) }],
      }, 260),
      table([t('col.name'), t('growth.participants'), t('growth.invites_per'), t('growth.k'), t('growth.cost_per')],
        g.campaigns.map((c) => [c.name, count(c.participants), c.invites_per_participant.toFixed(2),
          h('span', { 'data-k': c.campaign }, c.k_factor.toFixed(2)), money(c.cost_per_customer_fen)])));
  });
  return card(t('growth.fission'), host);
}

export function distributionTotals(): HTMLElement {
  const host = h('div');
  void load(host, async () => {
    const d = (await api.get<Growth>('/v1/reports/growth')).distribution;
    return h('dl', { class: 'facts' },
      h('dt', {}, t('list.distribution')), h('dd', {}, count(d.distributors)),
      h('dt', {}, t('col.gmv')), h('dd', {}, money(d.gmv_fen)),
      h('dt', {}, t('growth.commission')), h('dd', {}, money(d.commission_fen)),
      h('dt', {}, t('growth.commission_ratio')), h('dd', { 'data-ratio': d.commission_cost_bp }, percent(d.commission_cost_bp / 10000)),
      h('dt', {}, t('growth.withdrawn')), h('dd', {}, money(d.withdrawn_fen)));
  });
  return card(t('growth.distribution'), host);
}
