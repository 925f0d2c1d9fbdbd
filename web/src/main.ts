// The console's shell: sign-in, the navigation, the language switch, and which page a path shows.
import { api, setToken, token, whenUnauthorized } from './api';
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
];

function page(path: string, query: URLSearchParams): HTMLElement {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0 || parts[0] === 'overview') return overviewPage();
  if (parts[0] === 'customers') return parts[1] ? profilePage(decodeURIComponent(parts[1])) : customersPage(query);
  if (parts[0] === 'segments') return segmentsPage();
  if (parts[0] === 'reports') return reportsPage();
  if (parts[0] === 'content') return contentPage();
  if (parts[0] === 'settings') return settingsPage();
  if (parts[0] in LISTS) return listPage(parts[0]);
  return h('p', { class: 'empty' }, t('app.not_found'));
}

function signIn(): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', 'aria-label': t('signin.token'), autofocus: true });
  const status = h('div', { 'aria-live': 'polite' });
  const submit = async (e: Event) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return status.replaceChildren(errorBox(new Error(t('signin.empty'))));
    setToken(value);
    try {
      await api.get('/v1/stages');
      navigate(location.pathname === '/signin' ? '/overview' : location.pathname);
    } catch (err) {
      setToken(null);
      status.replaceChildren(errorBox(err));
    }
  };
  return h('main', { class: 'signin' },
    h('form', { class: 'card', onsubmit: submit },
      h('h1', {}, t('signin.title')),
      h('label', {}, t('signin.token'), input),
      h('p', { class: 'muted' }, t('signin.hint')),
      h('button', { type: 'submit' }, t('signin.submit')),
      status),
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
  if (!token()) {
    app.replaceChildren(signIn());
    return;
  }
  const path = location.pathname === '/' ? '/overview' : location.pathname;
  const nav = h('nav', {}, h('div', { class: 'brand' }, t('app.name')),
    NAV.map(([href, key]) => h('a', {
      href, 'aria-current': path.startsWith(href) ? 'page' : undefined,
      onclick: (e: Event) => { e.preventDefault(); navigate(href); },
    }, t(key))));
  const header = h('header', {}, languageButton(),
    h('button', { type: 'button', class: 'link', onclick: () => { setToken(null); navigate('/signin'); } }, t('app.signout')));
  app.replaceChildren(h('div', { class: 'shell' }, nav, h('div', { class: 'body' }, header, h('main', {}, page(path, new URLSearchParams(location.search))))));
}

// A token the server no longer accepts sends the operator back to sign in.
whenUnauthorized(() => render());

onNavigate(render);
render();
