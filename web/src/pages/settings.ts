// Settings as the API holds them: time zone, quiet hours and caps, channels, and where keys are.
import { api } from '../api';
import { card, h, load, table } from '../dom';
import { t } from '../i18n';

interface Messaging {
  timezone?: string;
  quiet_hours?: { start: string; end: string };
  caps?: Record<string, { per_day?: number; per_week?: number; per_month?: number }>;
}

export function settingsPage(): HTMLElement {
  const messaging = h('div'), channels = h('div');
  void load(messaging, async () => {
    const m = await api.get<Messaging>('/v1/settings/messaging');
    return h('dl', { class: 'facts' },
      h('dt', {}, t('settings.timezone')), h('dd', {}, m.timezone ?? 'Asia/Shanghai'),
      h('dt', {}, t('settings.quiet_hours')), h('dd', {}, m.quiet_hours ? `${m.quiet_hours.start} – ${m.quiet_hours.end}` : '—'),
      h('dt', {}, t('settings.caps')), h('dd', {}, h('code', {}, JSON.stringify(m.caps ?? {}))));
  });
  void load(channels, async () => {
    const r = await api.get<{ data: { code: string; name: string; kind: string }[] }>('/v1/channels');
    return table([t('settings.code'), t('col.name'), t('col.kind')], r.data.map((c) => [c.code, c.name, c.kind]));
  });
  return h('div', {}, h('h1', {}, t('settings.title')),
    card(t('settings.quiet_hours'), messaging),
    card(t('settings.channels'), channels),
    card(t('settings.keys'), h('p', {}, t('settings.keys_hint'))));
}
