// Settings: the workspace's time zone; quiet hours, contact caps and staff limits (editable);
// registered channels; where keys come from.
import { api } from '../api';
import { card, errorBox, h, load, table } from '../dom';
import { dateTime, t } from '../i18n';

interface Cap {
  per_day: number;
  per_week: number;
  per_month: number;
}
interface Messaging {
  quiet_hours: { start: string; end: string };
  caps: Record<string, Cap>;
  staff: Record<string, number>;
}
interface Workspace {
  id: string;
  name: string;
  utc_offset: string;
  created_at: string;
}

function messagingForm(m: Messaging): HTMLElement {
  const start = h('input', { type: 'time', name: 'quiet_start', value: m.quiet_hours.start, 'aria-label': t('settings.quiet_start'), required: true });
  const end = h('input', { type: 'time', name: 'quiet_end', value: m.quiet_hours.end, 'aria-label': t('settings.quiet_end'), required: true });
  const cap = m.caps.default ?? { per_day: 0, per_week: 0, per_month: 0 };
  const number = (name: keyof Cap) =>
    h('input', { type: 'number', min: 0, name: `cap_${name}`, value: cap[name], size: 4, 'aria-label': t(`settings.${name}`) });
  const caps = { per_day: number('per_day'), per_week: number('per_week'), per_month: number('per_month') };
  const status = h('span', { 'aria-live': 'polite' });
  const save = async (e: Event) => {
    e.preventDefault();
    status.replaceChildren();
    const next: Messaging = {
      ...m,
      quiet_hours: { start: start.value, end: end.value },
      caps: { ...m.caps, default: { per_day: Number(caps.per_day.value), per_week: Number(caps.per_week.value), per_month: Number(caps.per_month.value) } },
    };
    try {
      await api.put('/v1/settings/messaging', next);
      status.textContent = t('settings.saved');
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  return h('form', { class: 'settings', onsubmit: save },
    h('fieldset', {}, h('legend', {}, t('settings.quiet_hours')),
      h('label', {}, t('settings.quiet_start'), ' ', start), ' ', h('label', {}, t('settings.quiet_end'), ' ', end)),
    h('fieldset', {}, h('legend', {}, t('settings.caps')),
      h('label', {}, t('settings.per_day'), ' ', caps.per_day), ' ',
      h('label', {}, t('settings.per_week'), ' ', caps.per_week), ' ',
      h('label', {}, t('settings.per_month'), ' ', caps.per_month),
      h('p', { class: 'muted' }, t('settings.caps_hint'))),
    h('fieldset', {}, h('legend', {}, t('settings.staff')),
      table([t('col.name'), t('segments.value')], Object.entries(m.staff).map(([k, v]) => [k, String(v)]))),
    h('button', { type: 'submit' }, t('settings.save')), ' ', status);
}

export function settingsPage(): HTMLElement {
  const workspace = h('div'), messaging = h('div'), channels = h('div');
  void load(workspace, async () => {
    const w = await api.get<Workspace>('/v1/workspace');
    return h('dl', { class: 'facts' },
      h('dt', {}, t('col.name')), h('dd', {}, `${w.name || w.id} (${w.id})`),
      h('dt', {}, t('settings.timezone')), h('dd', { 'data-zone': w.utc_offset }, `UTC${w.utc_offset}`),
      h('dt', {}, t('col.created_at')), h('dd', {}, dateTime(w.created_at)));
  });
  void load(messaging, async () => messagingForm(await api.get<Messaging>('/v1/settings/messaging')));
  void load(channels, async () => {
    const r = await api.get<{ data: { code: string; name: string; kind: string }[] }>('/v1/channels');
    return table([t('settings.code'), t('col.name'), t('col.kind')], r.data.map((c) => [c.code, c.name, c.kind]));
  });
  return h('div', {}, h('h1', {}, t('settings.title')),
    card(t('settings.workspace'), workspace),
    card(t('settings.messaging'), messaging),
    card(t('settings.channels'), channels),
    card(t('settings.keys'), h('p', {}, t('settings.keys_hint'))));
}
