// Customer search and list: stage, RFM cell, tags and owner at a glance; a row opens the profile.
import { api, currentUser } from '../api';
import { empty, h, load, table } from '../dom';
import { count, dateTime, label, money, t } from '../i18n';
import { navigate } from '../router';

export interface Customer {
  id: string;
  traits: Record<string, unknown>;
  stage?: string;
  rfm?: string | null;
  tags?: string[];
  owner: string | null;
  spent_fen: number;
  last_seen: string;
}
interface Page {
  data: Customer[];
  total: number;
  next_cursor: string | null;
}

export function displayName(c: Customer): string {
  const name = c.traits.name ?? c.traits.nickname;
  return typeof name === 'string' && name ? name : c.id;
}

export function customersPage(query: URLSearchParams): HTMLElement {
  const box = h('input', {
    type: 'search',
    name: 'query',
    value: query.get('query') ?? '',
    placeholder: t('customers.search'),
    'aria-label': t('customers.search'),
  });
  const results = h('div');
  const search = () => {
    const q = box.value.trim();
    history.replaceState(null, '', q ? `/customers?query=${encodeURIComponent(q)}` : '/customers');
    void load(results, async () => {
      const page = await api.get<Page>(`/v1/customers?limit=50&query=${encodeURIComponent(q)}`);
      if (!page.data.length) return empty(t('customers.empty'));
      const rows = page.data.map((c) => [
        h('a', { href: `/customers/${c.id}`, 'data-customer': c.id }, displayName(c)),
        label('lifecycle', c.stage),
        label('rfm', c.rfm),
        (c.tags ?? []).filter((x) => !x.startsWith('pond:')).slice(0, 4).join(', '),
        c.owner ?? '—',
        money(c.spent_fen),
        dateTime(c.last_seen),
      ]);
      return h(
        'div',
        {},
        h('p', { class: 'muted' }, t('customers.total', { n: count(page.total) })),
        table(
          [t('customers.name'), t('customers.stage'), t('customers.rfm'), t('customers.tags'),
           t('customers.owner'), t('customers.spent'), t('customers.last_seen')],
          rows,
        ),
      );
    });
  };
  search();
  return h(
    'div',
    {},
    h('h1', {}, currentUser()?.role === 'staff' ? t('customers.mine') : t('customers.title')),
    h(
      'form',
      { class: 'search', role: 'search', onsubmit: (e: Event) => { e.preventDefault(); search(); } },
      box,
      h('button', { type: 'submit' }, t('customers.search_button')),
    ),
    results,
  );
}

// Links inside results navigate without reloading.
document.addEventListener('click', (e) => {
  const a = (e.target as HTMLElement).closest?.('a[data-customer]');
  if (!a) return;
  e.preventDefault();
  navigate(a.getAttribute('href')!);
});
