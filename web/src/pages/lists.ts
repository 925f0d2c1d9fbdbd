// Pages that list what an API holds (journeys, groups, fission campaigns, distributors, tasks):
// the same table, their own columns, and the actions each row allows (pause a journey, approve
// or freeze a distributor, complete a task).
import { api } from '../api';
import { card, empty, errorBox, h, load, table } from '../dom';
import { dateTime, money, t, type MessageKey } from '../i18n';
import { distributionTotals, fissionBoard } from './growth';

type Row = Record<string, unknown>;

interface Action {
  label: MessageKey;
  when: (row: Row) => boolean;
  path: (row: Row) => string; // POSTed with {} (or {reason} when it asks for one)
  reason?: boolean; // asks the operator why, for the record
}

interface ListSpec {
  title: MessageKey;
  above?: () => HTMLElement; // a board shown above the list
  path: string;
  columns: [MessageKey, string][]; // header, field
  actions?: Action[];
}

const is = (field: string, ...values: string[]) => (row: Row) => values.includes(String(row[field]));

export const LISTS: Record<string, ListSpec> = {
  journeys: {
    title: 'list.journeys',
    path: '/v1/journeys',
    columns: [['col.id', 'id'], ['col.name', 'name'], ['col.status', 'status'], ['col.version', 'version']],
    actions: [
      { label: 'action.pause', when: is('status', 'active'), path: (r) => `/v1/journeys/${r.id}/pause` },
      { label: 'action.activate', when: is('status', 'paused', 'draft'), path: (r) => `/v1/journeys/${r.id}/activate` },
    ],
  },
  groups: {
    title: 'list.groups',
    path: '/v1/groups',
    columns: [['col.id', 'id'], ['col.name', 'name'], ['col.kind', 'kind'], ['col.members', 'members'], ['col.capacity', 'capacity'], ['col.owner', 'owner']],
  },
  fission: {
    title: 'list.fission',
    path: '/v1/fission/campaigns',
    columns: [['col.id', 'id'], ['col.name', 'name'], ['col.kind', 'kind'], ['col.start', 'start'], ['col.end', 'end'], ['col.budget', 'budget_fen']],
    above: fissionBoard,
  },
  distribution: {
    title: 'list.distribution',
    path: '/v1/distributors?limit=200',
    above: distributionTotals,
    columns: [['col.id', 'id'], ['col.customer', 'customer_id'], ['col.code', 'code'], ['col.grade', 'grade'], ['col.status', 'state'],
      ['col.clients', 'clients'], ['col.gmv', 'gmv_fen'], ['col.earned', 'earned_fen']],
    actions: [
      { label: 'action.approve', when: is('state', 'applied'), path: (r) => `/v1/distributors/${r.id}/approve` },
      { label: 'action.reject', when: is('state', 'applied'), path: (r) => `/v1/distributors/${r.id}/reject`, reason: true },
      { label: 'action.freeze', when: is('state', 'active'), path: (r) => `/v1/distributors/${r.id}/freeze`, reason: true },
      { label: 'action.unfreeze', when: is('state', 'frozen'), path: (r) => `/v1/distributors/${r.id}/unfreeze` },
    ],
  },
  tasks: {
    title: 'list.tasks',
    path: '/v1/tasks',
    columns: [['col.title', 'title'], ['col.customer', 'customer_id'], ['col.kind', 'kind'], ['col.owner', 'assignee'], ['col.due', 'due']],
    actions: [{ label: 'action.complete', when: is('status', 'open'), path: (r) => `/v1/tasks/${r.id}/complete` }],
  },
};

function cell(value: unknown, field: string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field.endsWith('_fen') && typeof value === 'number') return money(value);
  if (field === 'due' || field === 'start' || field === 'end' || field.endsWith('_at')) return dateTime(String(value));
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function listPage(name: string): HTMLElement {
  const spec = LISTS[name];
  const host = h('div');
  const show = () =>
    load(host, async () => {
      const r = await api.get<{ data?: Row[] } | Row[]>(spec.path);
      const rows = Array.isArray(r) ? r : (r.data ?? []);
      if (!rows.length) return empty(t('list.empty'));
      const status = h('div');
      const buttons = (row: Row) =>
        (spec.actions ?? []).filter((a) => a.when(row)).map((a) =>
          h('button', {
            type: 'button',
            'data-action': a.label,
            'data-row': String(row.id),
            onclick: async () => {
              let body = {};
              if (a.reason) {
                const reason = window.prompt(t('action.reason'));
                if (reason === null) return;
                body = { reason };
              }
              try {
                await api.post(a.path(row), body);
                void show();
              } catch (e) {
                status.replaceChildren(errorBox(e));
              }
            },
          }, t(a.label)));
      const head = spec.columns.map(([k]) => t(k));
      if (spec.actions) head.push('');
      return h('div', {}, status,
        table(head, rows.map((row) => {
          const cells: (string | HTMLElement)[] = spec.columns.map(([, f]) => cell(row[f], f));
          if (spec.actions) cells.push(h('span', { class: 'actions' }, buttons(row)));
          return cells;
        })));
    });
  void show();
  return h('div', {}, h('h1', {}, t(spec.title)), spec.above?.(), card(t(spec.title), host));
}
