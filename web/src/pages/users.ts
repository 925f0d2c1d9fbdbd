// The team (owner): users with their role and state, a form to add one (pond picks the
// password and shows it once), and disabling a user, which ends their sessions.
import { api } from '../api';
import { card, empty, errorBox, h, load, table } from '../dom';
import { dateTime, t, type MessageKey } from '../i18n';

interface UserRow {
  id: string;
  login: string;
  name: string;
  role: string;
  staff_id?: string;
  distributor_id?: string;
  disabled: boolean;
  created_at: string;
}

const ROLES = ['operator', 'analyst', 'staff', 'distributor', 'owner'];

export function usersPage(): HTMLElement {
  const list = h('div');
  const status = h('div', { 'aria-live': 'polite' });
  const refresh = () =>
    load(list, async () => {
      const users = (await api.get<{ data: UserRow[] }>('/v1/users?limit=1000')).data;
      if (!users.length) return empty(t('users.empty'));
      return table(
        [t('users.login'), t('users.name'), t('users.role'), t('users.staff'), t('users.state'), t('users.created'), ''],
        users.map((u) => [
          u.login,
          u.name,
          t(`role.${u.role}` as MessageKey),
          u.staff_id || u.distributor_id || '—',
          u.disabled ? t('users.disabled') : t('users.active'),
          dateTime(u.created_at),
          u.disabled || u.role === 'owner'
            ? ''
            : h('button', {
                class: 'link', 'data-action': 'disable-user', 'data-row': u.id,
                onclick: async () => {
                  try {
                    await api.post(`/v1/users/${encodeURIComponent(u.id)}/disable`, {});
                    void refresh();
                  } catch (e) {
                    status.replaceChildren(errorBox(e));
                  }
                },
              }, t('users.disable')),
        ]),
      );
    });
  const login = h('input', { name: 'login', required: true, placeholder: 'name@brand.cn', 'aria-label': t('users.login') });
  const name = h('input', { name: 'name', 'aria-label': t('users.name') });
  const role = h('select', { name: 'role', 'aria-label': t('users.role') },
    ROLES.map((r) => h('option', { value: r }, t(`role.${r}` as MessageKey))));
  const staff = h('input', { name: 'staff_id', placeholder: 'stf_…', 'aria-label': t('users.staff') });
  const add = async (e: Event) => {
    e.preventDefault();
    status.replaceChildren();
    const body: Record<string, string> = { login: login.value.trim(), name: name.value.trim(), role: role.value };
    if (role.value === 'staff') body.staff_id = staff.value.trim();
    if (role.value === 'distributor') body.distributor_id = staff.value.trim();
    try {
      const r = await api.post<{ user: UserRow; password?: string }>('/v1/users', body);
      status.replaceChildren(h('p', { class: 'notice', 'data-password': r.password ?? '' },
        t('users.added', { login: r.user.login, password: r.password ?? '' })));
      login.value = '';
      name.value = '';
      staff.value = '';
      void refresh();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  void refresh();
  return h('div', {},
    h('h1', {}, t('users.title')),
    card(t('users.add'),
      h('form', { class: 'inline users', onsubmit: add }, login, name, role, staff,
        h('button', { type: 'submit' }, t('users.add_button'))),
      h('p', { class: 'muted' }, t('users.staff_hint')),
      status),
    list);
}
