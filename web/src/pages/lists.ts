// Pages that list what an API holds (journeys, groups, fission campaigns, distributors, tasks):
// the same table, their own columns.
import { api } from '../api';
import { card, empty, h, load, table } from '../dom';
import { dateTime, t, type MessageKey } from '../i18n';

interface ListSpec {
  title: MessageKey;
  path: string;
  columns: [MessageKey, string][]; // header, field
}

export const LISTS: Record<string, ListSpec> = {
  journeys: { title: 'list.journeys', path: '/v1/journeys', columns: [['col.id', 'id'], ['col.name', 'name'], ['col.status', 'status']] },
  groups: { title: 'list.groups', path: '/v1/groups', columns: [['col.id', 'id'], ['col.name', 'name'], ['col.kind', 'kind'], ['col.members', 'members']] },
  fission: { title: 'list.fission', path: '/v1/fission/campaigns', columns: [['col.id', 'id'], ['col.name', 'name'], ['col.kind', 'kind'], ['col.status', 'status']] },
  distribution: { title: 'list.distribution', path: '/v1/distributors', columns: [['col.id', 'id'], ['col.customer', 'customer_id'], ['col.grade', 'grade'], ['col.status', 'state']] },
  tasks: { title: 'list.tasks', path: '/v1/tasks', columns: [['col.title', 'title'], ['col.customer', 'customer_id'], ['col.kind', 'kind'], ['col.due', 'due']] },
};

function cell(value: unknown, field: string): string {
  if (value === null || value === undefined) return '—';
  if (field === 'due' || field.endsWith('_at')) return dateTime(String(value));
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function listPage(name: string): HTMLElement {
  const spec = LISTS[name];
  const host = h('div');
  void load(host, async () => {
    const r = await api.get<{ data?: Record<string, unknown>[] } | Record<string, unknown>[]>(spec.path);
    const rows = Array.isArray(r) ? r : (r.data ?? []);
    if (!rows.length) return empty(t('list.empty'));
    return table(spec.columns.map(([k]) => t(k)), rows.map((row) => spec.columns.map(([, f]) => cell(row[f], f))));
  });
  return h('div', {}, h('h1', {}, t(spec.title)), card(t(spec.title), host));
}
