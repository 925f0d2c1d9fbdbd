// The segment rule as a tree the builder edits, and its text form (docs/rules.md), which is what
// the API evaluates.
export type Field = 'stage' | 'tag' | 'rfm' | 'orders' | 'spent' | 'channel' | 'trait' | 'event';
export type Op = '==' | '!=' | '>=' | '>' | '<=' | '<';

export interface Condition {
  kind: 'condition';
  field: Field;
  op: Op;
  value: string;
  key: string; // trait name, or the event name for 'event'
  days: string; // 'event': within this many days
}

export interface Group {
  kind: 'group';
  join: 'and' | 'or' | 'not';
  children: (Condition | Group)[];
}

export const FIELDS: Field[] = ['stage', 'tag', 'rfm', 'orders', 'spent', 'channel', 'trait', 'event'];
export const NUMERIC: Field[] = ['orders', 'spent'];

export function newCondition(): Condition {
  return { kind: 'condition', field: 'stage', op: '==', value: 'customer', key: '', days: '30' };
}

export function opsFor(field: Field): Op[] {
  if (NUMERIC.includes(field)) return ['>=', '>', '==', '<=', '<', '!='];
  if (field === 'event') return ['>='];
  return ['==', '!='];
}

const quote = (s: string) => JSON.stringify(s);
const isNumber = (s: string) => /^-?\d+(\.\d+)?$/.test(s.trim());

function conditionText(c: Condition): string {
  const v = c.value.trim();
  switch (c.field) {
    case 'tag':
      return `${c.op === '!=' ? 'not ' : ''}has_tag(${quote(v)})`;
    case 'orders':
      return `count(order_paid) ${c.op} ${isNumber(v) ? v : 0}`;
    case 'spent':
      return `sum(order_paid.amount) ${c.op} ${isNumber(v) ? v : 0}`;
    case 'trait':
      return `trait.${c.key.trim() || 'name'} ${c.op} ${isNumber(v) ? v : quote(v)}`;
    case 'event':
      return `count(${c.key.trim() || 'order_paid'}, ${Number(c.days) > 0 ? Number(c.days) : 30}d) >= ${isNumber(v) ? v : 1}`;
    default:
      return `${c.field} ${c.op} ${quote(v)}`;
  }
}

export function ruleText(node: Condition | Group, nested = false): string {
  if (node.kind === 'condition') return conditionText(node);
  const parts = node.children.map((c) => ruleText(c, true)).filter((s) => s);
  if (!parts.length) return '';
  if (node.join === 'not') {
    return `not (${parts.join(' and ')})`;
  }
  const text = parts.join(` ${node.join} `);
  return nested && parts.length > 1 ? `(${text})` : text;
}
