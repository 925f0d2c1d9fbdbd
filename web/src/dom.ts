// Tiny DOM helpers: no framework, so the console loads at once and reads like the page it makes.
import { t } from './i18n';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

// h('button', {class: 'x', onclick: fn}, 'text') → <button class="x">text</button>
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}

export function spinner(): HTMLElement {
  return h('div', { class: 'spinner', role: 'status' }, t('app.loading'));
}

export function errorBox(e: unknown, retry?: () => void): HTMLElement {
  const message = e instanceof Error ? e.message : String(e);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    t('app.error', { message }),
    retry ? h('button', { onclick: retry }, t('app.retry')) : null,
  );
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

// Shows a spinner in `host`, then what `load` renders, or the error with a retry button.
export async function load(host: HTMLElement, render: () => Promise<Node>): Promise<void> {
  host.replaceChildren(spinner());
  try {
    host.replaceChildren(await render());
  } catch (e) {
    host.replaceChildren(errorBox(e, () => void load(host, render)));
  }
}

export function table(head: string[], rows: Child[][]): HTMLTableElement {
  return h(
    'table',
    {},
    h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
  );
}

export function card(title: string, ...body: Child[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...body);
}
