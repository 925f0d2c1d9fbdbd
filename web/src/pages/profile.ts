// One customer: identities (masked by the API until asked), traits, tags to add and remove, orders,
// the event timeline.
import { api } from '../api';
import { card, empty, errorBox, h, load, table } from '../dom';
import { dateTime, label, money, t } from '../i18n';
import { navigate } from '../router';
import { displayName, type Customer } from './customers';

interface Profile extends Customer {
  channel: string | null;
  identities: { kind: string; value: string }[];
  orders: { order_id: string; paid_at: string; total_fen: number }[];
  timeline: { event: string; name?: string; type: string; timestamp: string }[];
  tags: string[];
  journeys: { journey: string; step: string; since: string }[];
  groups: { id: string; name: string }[];
}

// The API answers personal data masked (138****8000); "show" asks for it with ?reveal=true,
// which the roles that may see it get (and which is audited), and others are refused.
function identities(p: Profile): HTMLElement {
  const list = h('ul', { class: 'plain' });
  const status = h('div');
  const draw = (ids: Profile['identities']) =>
    list.replaceChildren(
      ...ids.map((id) => h('li', {}, h('span', { class: 'muted' }, id.kind, ': '), id.value)),
    );
  draw(p.identities);
  const hasPhone = p.identities.some((id) => id.kind === 'phone');
  const reveal = async () => {
    status.replaceChildren();
    try {
      draw((await api.get<Profile>(`/v1/customers/${encodeURIComponent(p.id)}?reveal=true`)).identities);
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
  };
  return card(
    t('profile.identities'),
    list,
    hasPhone ? h('button', { class: 'link', 'data-action': 'show-phone', onclick: reveal }, t('profile.show_phone')) : null,
    status,
  );
}

function tags(p: Profile): HTMLElement {
  const host = h('div', { class: 'tags' });
  const status = h('div');
  const draw = (list: string[]) =>
    host.replaceChildren(
      ...(list.length
        ? list.filter((tag) => !tag.startsWith('pond:')).map((tag) =>
            h('span', { class: 'tag', 'data-tag': tag }, tag,
              h('button', {
                class: 'x',
                'aria-label': t('profile.remove_tag', { tag }),
                onclick: async () => {
                  try {
                    draw((await api.del<{ data: string[] }>(`/v1/customers/${p.id}/tags/${encodeURIComponent(tag)}`)).data);
                  } catch (e) {
                    status.replaceChildren(errorBox(e));
                  }
                },
              }, '×')),
          )
        : [empty(t('profile.no_tags'))]),
    );
  draw(p.tags.filter((tag) => !tag.startsWith('pond:')));
  const input = h('input', { name: 'tag', placeholder: t('profile.tag_placeholder'), 'aria-label': t('profile.add_tag'), required: true });
  const form = h(
    'form',
    {
      class: 'inline',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        status.replaceChildren();
        try {
          const r = await api.post<{ data: string[] }>(`/v1/customers/${p.id}/tags`, { tags: [input.value.trim()] });
          input.value = '';
          draw(r.data);
        } catch (err) {
          status.replaceChildren(errorBox(err));
        }
      },
    },
    input,
    h('button', { type: 'submit' }, t('profile.add_tag')),
  );
  return card(t('profile.tags'), host, form, status);
}

export function profilePage(id: string): HTMLElement {
  const host = h('div');
  void load(host, async () => {
    const p = await api.get<Profile>(`/v1/customers/${encodeURIComponent(id)}`);
    const facts: [string, string | HTMLElement][] = [
      [t('profile.stage'), h('span', { 'data-stage': p.stage ?? '' }, label('lifecycle', p.stage))],
      [t('profile.rfm'), label('rfm', p.rfm)],
      [t('profile.channel'), p.channel ?? t('profile.none')],
      [t('profile.owner'), p.owner ?? t('profile.none')],
      [t('profile.spent'), money(p.spent_fen)],
    ];
    const traits = Object.entries(p.traits).filter(([k]) => k !== 'phone');
    return h(
      'div',
      {},
      h('h1', { 'data-profile': p.id }, displayName(p)),
      h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]).flat()),
      h('div', { class: 'two' }, identities(p), tags(p)),
      card(t('profile.traits'), traits.length
        ? table([t('segments.field'), t('segments.value')],
            traits.map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
        : empty(t('profile.no_traits'))),
      h('div', { class: 'two' },
        card(t('profile.journeys'), p.journeys.length
          ? table([t('nav.journeys'), t('profile.step'), t('profile.at')],
              p.journeys.map((j) => [j.journey, j.step, dateTime(j.since)]))
          : empty(t('profile.no_journeys'))),
        card(t('profile.groups'), p.groups.length
          ? h('ul', { class: 'plain', 'data-profile-groups': true }, p.groups.map((g) => h('li', {}, g.name, ' ', h('span', { class: 'muted' }, g.id))))
          : empty(t('profile.no_groups')))),
      card(t('profile.orders'), p.orders.length
        ? table([t('profile.order_id'), t('profile.paid_at'), t('profile.amount')],
            p.orders.map((o) => [o.order_id, dateTime(o.paid_at), money(o.total_fen)]))
        : empty(t('profile.no_orders'))),
      card(t('profile.timeline'), table([t('profile.event'), t('profile.at')],
        p.timeline.slice(0, 50).map((e) => [e.event ?? e.name ?? e.type, dateTime(e.timestamp)]))),
    );
  });
  return h(
    'div',
    {},
    h('a', { href: '/customers', onclick: (e: Event) => { e.preventDefault(); navigate('/customers'); } }, t('profile.back')),
    host,
  );
}
