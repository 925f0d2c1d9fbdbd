// The content calendar: a Moments plan per staff account over a week or more (the planner keeps
// the operators' rules: 3–5 posts a day, few ads, never two in a row), and the content library
// ranked by how its items performed.
import { api } from '../api';
import { card, empty, h, load, table } from '../dom';
import { count, t, type MessageKey } from '../i18n';

interface Item {
  id: string;
  kind: string;
  title: string;
  performance: { views: number; likes: number; score: number };
}
interface Plan {
  plans: { staff: string; persona: string; posts: { staff: string; at: string; item: string; kind: string }[] }[];
}

const kind = (k: string) => t(`kind.${k}` as MessageKey);
// The planner speaks China time (docs/content.md): the day and the time of a post there.
const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(0, 10);
const chinaTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3600e3).toISOString().slice(11, 16);

function calendar(plan: Plan, titles: Map<string, string>): HTMLElement {
  const days = [...new Set(plan.plans.flatMap((p) => p.posts.map((x) => chinaDay(x.at))))].sort();
  if (!days.length) return empty(t('content.no_posts'));
  return h('table', { class: 'calendar', 'data-calendar': true },
    h('thead', {}, h('tr', {}, h('th', {}, t('content.day')), plan.plans.map((p) => h('th', {}, p.staff)))),
    h('tbody', {}, days.map((day) => h('tr', {}, h('th', {}, day),
      plan.plans.map((p) => h('td', {}, p.posts.filter((x) => chinaDay(x.at) === day).map((x) =>
        h('div', { class: `post kind-${x.kind}` }, h('b', {}, chinaTime(x.at)), ' ', kind(x.kind), ' · ', titles.get(x.item) ?? x.item))))))));
}

export function contentPage(): HTMLElement {
  const staff = h('input', { name: 'staff', 'aria-label': t('content.staff'), placeholder: 'stf_lily, stf_amy', size: 28 });
  const persona = h('select', { name: 'persona', 'aria-label': t('content.persona') },
    (['expert', 'friend', 'shopkeeper'] as const).map((p) => h('option', { value: p }, t(`persona.${p}`))));
  const from = h('input', { type: 'date', name: 'from', 'aria-label': t('overview.from'), value: new Date().toISOString().slice(0, 10) });
  const days = h('input', { type: 'number', name: 'days', min: 1, max: 31, value: 7, 'aria-label': t('content.days'), size: 4 });
  const planHost = h('div');
  const library = h('div');
  let titles = new Map<string, string>();

  const plan = () =>
    load(planHost, async () => {
      const ids = staff.value.split(/[,\s]+/).filter(Boolean);
      if (!ids.length) return empty(t('content.need_staff'));
      const r = await api.post<Plan>('/v1/content/moments/plan', {
        staff: ids.map((id) => ({ id, persona: persona.value })), from: from.value, days: Number(days.value) });
      return calendar(r, titles);
    });

  void load(library, async () => {
    const r = await api.get<{ data: Item[] }>('/v1/content/items?limit=200');
    titles = new Map(r.data.map((i) => [i.id, i.title]));
    // Staff accounts to plan for: the owners of the first customers.
    const owners = await api.get<{ data: { owner: string | null }[] }>('/v1/customers?limit=200');
    const found = [...new Set(owners.data.map((c) => c.owner).filter((o): o is string => !!o))].slice(0, 3);
    if (!staff.value && found.length) staff.value = found.join(', ');
    void plan();
    if (!r.data.length) return empty(t('content.no_items'));
    return table([t('col.title'), t('col.kind'), t('content.views'), t('content.likes'), t('content.score')],
      r.data.slice(0, 20).map((i) => [i.title, kind(i.kind), count(i.performance.views), count(i.performance.likes), i.performance.score.toFixed(3)]));
  });

  return h('div', {}, h('h1', {}, t('content.title')),
    card(t('content.calendar'),
      h('form', { class: 'range', onsubmit: (e: Event) => { e.preventDefault(); void plan(); } },
        h('label', {}, t('content.staff'), ' ', staff), h('label', {}, t('content.persona'), ' ', persona),
        h('label', {}, t('overview.from'), ' ', from), h('label', {}, t('content.days'), ' ', days),
        h('button', { type: 'submit' }, t('content.plan'))),
      planHost),
    card(t('content.library'), library));
}
