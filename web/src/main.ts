// The console's shell: sign-in, the navigation, the language switch, and which page a path shows.
import { api, currentUser, setToken, signedIn, signInWithPassword, signOut, type User, whenUnauthorized } from './api';
import { disposeCharts } from './charts';
import { errorBox, h } from './dom';
import { locale, setLocale, t, type MessageKey } from './i18n';
import { contentPage } from './pages/content';
import { customersPage } from './pages/customers';
import { LISTS, listPage } from './pages/lists';
import { overviewPage } from './pages/overview';
import { profilePage } from './pages/profile';
import { reportsPage } from './pages/reports';
import { segmentsPage } from './pages/segments';
import { settingsPage } from './pages/settings';
import { usersPage } from './pages/users';
import { navigate, onNavigate } from './router';
import './style.css';

const app = document.getElementById('app')!;

const NAV: [string, MessageKey][] = [
  ['/overview', 'nav.overview'],
  ['/customers', 'nav.customers'],
  ['/segments', 'nav.segments'],
  ['/journeys', 'nav.journeys'],
  ['/groups', 'nav.groups'],
  ['/content', 'nav.content'],
  ['/fission', 'nav.fission'],
  ['/distribution', 'nav.distribution'],
  ['/tasks', 'nav.tasks'],
  ['/reports', 'nav.reports'],
  ['/settings', 'nav.settings'],
  ['/users', 'nav.users'],
];

// What each role's navigation shows; the API decides what each may do (a 403 otherwise).
// A staff member works on their own customers and tasks; an admin token sees everything.
function navFor(user: User | null): [string, MessageKey][] {
  if (!user || user.role === 'owner') return NAV;
  if (user.role === 'staff') return NAV.filter(([href]) => href === '/customers' || href === '/tasks');
  if (user.role === 'distributor') return [];
  return NAV.filter(([href]) => href !== '/users');
}

function page(path: string, query: URLSearchParams): HTMLElement {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0 || parts[0] === 'overview') return overviewPage();
  if (parts[0] === 'customers') return parts[1] ? profilePage(decodeURIComponent(parts[1])) : customersPage(query);
  if (parts[0] === 'segments') return segmentsPage();
  if (parts[0] === 'reports') return reportsPage();
  if (parts[0] === 'content') return contentPage();
  if (parts[0] === 'settings') return settingsPage();
  if (parts[0] === 'users') return usersPage();
  if (parts[0] in LISTS) return listPage(parts[0]);
  return h('p', { class: 'empty' }, t('app.not_found'));
}

// Sign-in: a login and password (the team), or an admin token (an engineer) below it.
function signIn(): HTMLElement {
  const after = () => navigate(location.pathname === '/signin' || location.pathname === '/' ? '/overview' : location.pathname);
  const login = h('input', { name: 'login', autocomplete: 'username', 'aria-label': t('signin.login'), autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', 'aria-label': t('signin.password') });
  const userStatus = h('div', { 'aria-live': 'polite' });
  const submitUser = async (e: Event) => {
    e.preventDefault();
    if (!login.value.trim() || !password.value) return userStatus.replaceChildren(errorBox(new Error(t('signin.empty_login'))));
    try {
      await signInWithPassword(login.value.trim(), password.value);
      const user = currentUser();
      if (user?.role === 'staff') navigate('/customers');
      else after();
    } catch (err) {
      userStatus.replaceChildren(errorBox(err));
    }
  };
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', 'aria-label': t('signin.token') });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return status.replaceChildren(errorBox(new Error(t('signin.empty'))));
    setToken(value);
    try {
      await api.get('/v1/stages');
      after();
    } catch (err) {
      setToken(null);
      status.replaceChildren(errorBox(err));
    }
  };
  return h('main', { class: 'signin' },
    h('form', { class: 'card user', onsubmit: submitUser },
      h('h1', {}, t('signin.title')),
      h('label', {}, t('signin.login'), login),
      h('label', {}, t('signin.password'), password),
      h('button', { type: 'submit' }, t('signin.submit')),
      userStatus),
    h('details', { class: 'card' },
      h('summary', {}, t('signin.with_token')),
      h('form', { class: 'token', onsubmit: submit },
        h('label', {}, t('signin.token'), input),
        h('p', { class: 'muted' }, t('signin.hint')),
        h('button', { type: 'submit' }, t('signin.submit')),
        status)),
    languageButton());
}

function languageButton(): HTMLElement {
  return h('button', {
    class: 'lang', type: 'button', 'data-action': 'language', title: t('app.language_label'),
    onclick: () => { setLocale(locale() === 'zh' ? 'en' : 'zh'); render(); },
  }, t('app.language'));
}

function render(): void {
  disposeCharts();
  setLocale(locale());
  if (!signedIn()) {
    app.replaceChildren(signIn());
    return;
  }
  const user = currentUser();
  const home = user?.role === 'staff' ? '/customers' : '/overview';
  const path = location.pathname === '/' || location.pathname === '/signin' ? home : location.pathname;
  const nav = h('nav', {}, h('div', { class: 'brand' }, t('app.name')),
    navFor(user).map(([href, key]) => h('a', {
      href, 'aria-current': path.startsWith(href) ? 'page' : undefined,
      onclick: (e: Event) => { e.preventDefault(); navigate(href); },
    }, t(key))));
  const header = h('header', {}, languageButton(),
    user ? h('span', { class: 'muted', 'data-user': user.login }, `${user.name || user.login} · ${t(`role.${user.role}` as MessageKey)}`) : null,
    h('button', { type: 'button', class: 'link', 'data-action': 'signout', onclick: async () => { await signOut(); navigate('/signin'); } }, t('app.signout')));
  app.replaceChildren(h('div', { class: 'shell' }, nav, h('div', { class: 'body' }, header, h('main', {}, page(path, new URLSearchParams(location.search))))));
}

// A token the server no longer accepts sends the operator back to sign in.
whenUnauthorized(() => render());

onNavigate(render);
render();
