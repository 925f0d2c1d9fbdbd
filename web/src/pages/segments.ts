// Segments: a visual rule builder (conditions; groups joined by and / or / not) beside the rule's
// text, a live count as you edit, saving, the saved list, and a CSV export of members.
import { api } from '../api';
import { card, empty, errorBox, h, load, table } from '../dom';
import { count, t, type MessageKey } from '../i18n';
import {
  FIELDS,
  newCondition,
  opsFor,
  ruleText,
  type Condition,
  type Field,
  type Group,
  type Op,
} from '../rule_builder';

interface Segment {
  id: string;
  name: string;
  rule: string;
  customers: number;
}

function select<T extends string>(value: T, options: [T, string][], label: string, change: (v: T) => void) {
  const el = h('select', { 'aria-label': label }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  el.addEventListener('change', () => change(el.value as T));
  return el;
}

function input(value: string, label: string, change: (v: string) => void, size = 12) {
  const el = h('input', { value, 'aria-label': label, size });
  el.addEventListener('input', () => change(el.value));
  return el;
}

function conditionRow(c: Condition, changed: () => void, redraw: () => void, remove: () => void): HTMLElement {
  const parts: HTMLElement[] = [
    select<Field>(c.field, FIELDS.map((f) => [f, t(`field.${f}` as MessageKey)]), t('segments.field'), (v) => {
      c.field = v;
      c.op = opsFor(v)[0];
      redraw();
    }),
  ];
  if (c.field === 'trait' || c.field === 'event') parts.push(input(c.key, t('segments.field'), (v) => { c.key = v; changed(); }));
  if (c.field === 'event') parts.push(input(c.days, t('segments.value'), (v) => { c.days = v; changed(); }, 4));
  parts.push(select<Op>(c.op, opsFor(c.field).map((o) => [o, o]), t('segments.op'), (v) => { c.op = v; changed(); }));
  parts.push(input(c.value, t('segments.value'), (v) => { c.value = v; changed(); }));
  parts.push(h('button', { type: 'button', class: 'link', onclick: remove }, t('segments.remove')));
  return h('div', { class: 'condition' }, parts);
}

function groupBox(g: Group, changed: () => void, redraw: () => void, remove?: () => void): HTMLElement {
  const children = g.children.map((child, i) => {
    const drop = () => { g.children.splice(i, 1); redraw(); };
    return child.kind === 'condition' ? conditionRow(child, changed, redraw, drop) : groupBox(child, changed, redraw, drop);
  });
  return h(
    'div',
    { class: 'group' },
    h('div', { class: 'group-head' },
      select(g.join, [['and', t('segments.all')], ['or', t('segments.any')], ['not', t('segments.none')]], t('segments.op'), (v) => { g.join = v; changed(); }),
      h('button', { type: 'button', 'data-action': 'add-condition', onclick: () => { g.children.push(newCondition()); redraw(); } }, t('segments.add_condition')),
      h('button', { type: 'button', onclick: () => { g.children.push({ kind: 'group', join: 'or', children: [newCondition()] }); redraw(); } }, t('segments.add_group')),
      remove ? h('button', { type: 'button', class: 'link', onclick: remove }, t('segments.remove')) : null),
    children,
  );
}

// One CSV field: quoted, quotes doubled, and a leading = + - @ defused, since operators open
// these files in Excel, which would run such a name as a formula.
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

async function exportCsv(s: Segment): Promise<void> {
  const lines = ['id,name,spent_fen'];
  let cursor = '';
  do {
    const page = await api.get<{ data: { id: string; traits: Record<string, unknown>; spent_fen: number }[]; next_cursor: string | null }>(
      `/v1/segments/${s.id}/customers?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    for (const c of page.data) {
      lines.push(`${c.id},${csvField(String(c.traits.name ?? ''))},${c.spent_fen}`);
    }
    cursor = page.next_cursor ?? '';
  } while (cursor);
  const a = h('a', { href: URL.createObjectURL(new Blob([lines.join('\n') + '\n'], { type: 'text/csv' })), download: `${s.name}.csv` });
  a.click();
}

export function segmentsPage(): HTMLElement {
  const root: Group = { kind: 'group', join: 'and', children: [newCondition()] };
  const text = h('textarea', { rows: 6, 'aria-label': t('segments.text'), name: 'rule' });
  const countBox = h('div', { class: 'count', 'aria-live': 'polite' });
  const builder = h('div');
  const listHost = h('div');
  let timer = 0;
  let asked = 0;

  const recount = () => {
    window.clearTimeout(timer);
    countBox.textContent = t('segments.counting');
    countBox.removeAttribute('data-count');
    timer = window.setTimeout(async () => {
      const mine = ++asked;
      try {
        const r = await api.post<{ count: number }>('/v1/segments/preview', { rule: text.value, limit: 0 });
        if (mine !== asked) return;
        countBox.textContent = t('segments.count', { n: count(r.count) });
        countBox.dataset.count = String(r.count);
      } catch (e) {
        if (mine === asked) countBox.replaceChildren(errorBox(e));
      }
    }, 300);
  };
  const changed = () => { text.value = ruleText(root); recount(); };
  const redraw = () => { builder.replaceChildren(groupBox(root, changed, redraw)); changed(); };
  text.addEventListener('input', recount);

  const name = h('input', { name: 'name', required: true, 'aria-label': t('segments.name'), placeholder: t('segments.name') });
  const saveStatus = h('span', { 'aria-live': 'polite' });
  const showList = () =>
    load(listHost, async () => {
      const r = await api.get<{ data: Segment[] }>('/v1/segments');
      if (!r.data.length) return empty(t('segments.empty'));
      return table([t('segments.name'), t('segments.text'), t('segments.customers'), ''],
        r.data.map((s) => [s.name, h('code', {}, s.rule), count(s.customers),
          h('button', { type: 'button', onclick: () => void exportCsv(s).catch((e) => listHost.prepend(errorBox(e))) }, t('segments.export'))]));
    });
  const save = async (e: Event) => {
    e.preventDefault();
    saveStatus.replaceChildren();
    try {
      await api.post('/v1/segments', { name: name.value.trim(), rule: text.value });
      saveStatus.textContent = t('segments.saved');
      void showList();
    } catch (err) {
      saveStatus.replaceChildren(errorBox(err));
    }
  };

  redraw();
  void showList();
  return h(
    'div',
    {},
    h('h1', {}, t('segments.title')),
    h('div', { class: 'two' },
      card(t('segments.builder'), builder),
      card(t('segments.text'), text, countBox,
        h('form', { class: 'inline', onsubmit: save }, name, h('button', { type: 'submit' }, t('segments.save')), saveStatus))),
    card(t('segments.list'), listHost),
  );
}
