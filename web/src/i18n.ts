// Every string the console shows, in Chinese and English. tests/e2e/i18n_check.mjs fails when
// a key lacks either language or when the code uses a key that is not here.
export type Locale = 'zh' | 'en';

export const messages = {
  'app.name': { zh: 'pond 私域运营', en: 'pond private domain' },
  'app.loading': { zh: '加载中…', en: 'Loading…' },
  'app.retry': { zh: '重试', en: 'Retry' },
  'app.error': { zh: '出错了：{message}', en: 'Something went wrong: {message}' },
  'app.signout': { zh: '退出', en: 'Sign out' },
  'app.language': { zh: 'English', en: '中文' },
  'app.language_label': { zh: '切换语言', en: 'Switch language' },
  'app.not_found': { zh: '没有这个页面。', en: 'There is no such page.' },

  'nav.overview': { zh: '总览', en: 'Overview' },
  'nav.customers': { zh: '客户', en: 'Customers' },
  'nav.segments': { zh: '分群', en: 'Segments' },
  'nav.journeys': { zh: '旅程', en: 'Journeys' },
  'nav.groups': { zh: '社群', en: 'Groups' },
  'nav.fission': { zh: '裂变', en: 'Fission' },
  'nav.distribution': { zh: '分销', en: 'Distribution' },
  'nav.tasks': { zh: '任务', en: 'Tasks' },
  'nav.reports': { zh: '报表', en: 'Reports' },
  'nav.settings': { zh: '设置', en: 'Settings' },
  'nav.users': { zh: '团队', en: 'Team' },

  'role.owner': { zh: '所有者', en: 'Owner' },
  'role.operator': { zh: '运营', en: 'Operator' },
  'role.analyst': { zh: '分析师', en: 'Analyst' },
  'role.staff': { zh: '导购/客服', en: 'Staff' },
  'role.distributor': { zh: '分销员', en: 'Distributor' },

  'users.title': { zh: '团队成员', en: 'Team' },
  'users.empty': { zh: '还没有成员。', en: 'No users yet.' },
  'users.login': { zh: '登录名（邮箱或手机号）', en: 'Login (email or phone)' },
  'users.name': { zh: '姓名', en: 'Name' },
  'users.role': { zh: '角色', en: 'Role' },
  'users.staff': { zh: '员工/分销员 ID', en: 'Staff / distributor id' },
  'users.state': { zh: '状态', en: 'State' },
  'users.created': { zh: '创建时间', en: 'Created' },
  'users.active': { zh: '正常', en: 'Active' },
  'users.disabled': { zh: '已停用', en: 'Disabled' },
  'users.disable': { zh: '停用', en: 'Disable' },
  'users.add': { zh: '添加成员', en: 'Add a user' },
  'users.add_button': { zh: '添加', en: 'Add' },
  'users.staff_hint': {
    zh: '导购/客服填其员工账号 ID（stf_…），分销员填分销员 ID；密码由 pond 生成，只显示一次。',
    en: 'Staff need their staff account id (stf_…), distributors their distributor id; pond picks the password and shows it once.',
  },
  'users.added': { zh: '已添加 {login}，初始密码：{password}（只显示这一次）', en: 'Added {login}; password: {password} (shown this once)' },

  'signin.title': { zh: '登录 pond', en: 'Sign in to pond' },
  'signin.token': { zh: '管理员令牌', en: 'Admin token' },
  'signin.hint': {
    zh: '令牌在 pond serve 首次启动时打印，或用 pond key create --admin 新建。',
    en: 'pond serve prints the token on its first start; pond key create --admin makes another.',
  },
  'signin.submit': { zh: '登录', en: 'Sign in' },
  'signin.empty': { zh: '请输入令牌。', en: 'Enter a token.' },
  'signin.login': { zh: '登录名（邮箱或手机号）', en: 'Login (email or phone)' },
  'signin.password': { zh: '密码', en: 'Password' },
  'signin.empty_login': { zh: '请输入登录名和密码。', en: 'Enter your login and password.' },
  'signin.with_token': { zh: '用管理员令牌登录（工程师）', en: 'Sign in with an admin token (engineers)' },

  'overview.title': { zh: '总览', en: 'Overview' },
  'overview.gmv': { zh: '累计 GMV', en: 'GMV, all time' },
  'overview.new_friends': { zh: '新增好友（区间内）', en: 'New friends (range)' },
  'overview.pass_rate': { zh: '私域转化率（加好友/扫码）', en: 'Pass rate (friend / scanned)' },
  'overview.repurchase': { zh: '复购率', en: 'Repurchase rate' },
  'overview.active': { zh: '活跃客户（区间内）', en: 'Active customers (range)' },
  'overview.funnel': { zh: '渠道漏斗', en: 'Channel funnel' },
  'overview.roi': { zh: '渠道 ROI（90 天）', en: 'Channel ROI (90 days)' },
  'overview.trend': { zh: '每日趋势', en: 'Daily trend' },
  'overview.from': { zh: '开始', en: 'From' },
  'overview.to': { zh: '结束', en: 'To' },
  'overview.apply': { zh: '应用', en: 'Apply' },
  'overview.no_channels': {
    zh: '还没有登记渠道：在设置里添加渠道并记录投入，这里就会显示 ROI。',
    en: 'No channels registered yet: add channels and their spend under Settings to see ROI here.',
  },
  'overview.spend': { zh: '投入', en: 'Spend' },
  'overview.net90': { zh: '90 天净收入', en: 'Net, 90 days' },

  'stage.scanned': { zh: '扫码', en: 'Scanned' },
  'stage.friend': { zh: '加好友', en: 'Friend' },
  'stage.engaged': { zh: '互动', en: 'Engaged' },
  'stage.first_order': { zh: '首单', en: 'First order' },
  'stage.repeat': { zh: '复购', en: 'Repeat' },
  'stage.advocate': { zh: '推荐', en: 'Advocate' },

  'lifecycle.lost': { zh: '流失', en: 'lost' },
  'lifecycle.dormant': { zh: '沉睡', en: 'dormant' },
  'lifecycle.advocate': { zh: '推荐者', en: 'advocate' },
  'lifecycle.repeat': { zh: '复购客户', en: 'repeat' },
  'lifecycle.customer': { zh: '已购客户', en: 'customer' },
  'lifecycle.engaged': { zh: '互动中', en: 'engaged' },
  'lifecycle.friend': { zh: '好友', en: 'friend' },
  'lifecycle.lead': { zh: '线索', en: 'lead' },
  'lifecycle.none': { zh: '未分阶段', en: 'none' },
  'rfm.Champions': { zh: '重要价值', en: 'Champions' },
  'rfm.Loyal': { zh: '忠诚客户', en: 'Loyal' },
  'rfm.Potential Loyalist': { zh: '潜在忠诚', en: 'Potential Loyalist' },
  'rfm.New': { zh: '新客户', en: 'New' },
  'rfm.Promising': { zh: '有潜力', en: 'Promising' },
  'rfm.Need Attention': { zh: '需要关注', en: 'Need Attention' },
  'rfm.About to Sleep': { zh: '即将沉睡', en: 'About to Sleep' },
  'rfm.At Risk': { zh: '流失风险', en: 'At Risk' },
  "rfm.Can't Lose Them": { zh: '不能失去', en: "Can't Lose Them" },
  'rfm.Hibernating': { zh: '休眠', en: 'Hibernating' },
  'rfm.Lost': { zh: '已流失', en: 'Lost' },

  'metric.gmv': { zh: 'GMV', en: 'GMV' },
  'metric.orders': { zh: '订单', en: 'Orders' },
  'metric.new_friends': { zh: '新增好友', en: 'New friends' },
  'metric.active': { zh: '活跃客户', en: 'Active customers' },

  'customers.title': { zh: '客户', en: 'Customers' },
  'customers.mine': { zh: '我的客户', en: 'My customers' },
  'customers.search': { zh: '搜索姓名、手机号、unionid…', en: 'Search name, phone, unionid…' },
  'customers.search_button': { zh: '搜索', en: 'Search' },
  'customers.id': { zh: '客户 ID', en: 'Customer' },
  'customers.name': { zh: '姓名', en: 'Name' },
  'customers.stage': { zh: '阶段', en: 'Stage' },
  'customers.rfm': { zh: 'RFM', en: 'RFM' },
  'customers.tags': { zh: '标签', en: 'Tags' },
  'customers.owner': { zh: '归属员工', en: 'Owner' },
  'customers.spent': { zh: '消费', en: 'Spent' },
  'customers.last_seen': { zh: '最近活动', en: 'Last seen' },
  'customers.empty': {
    zh: '没有找到客户。换个关键词试试，或先用 pond import 导入订单。',
    en: 'No customers found. Try another search, or import orders with pond import first.',
  },
  'customers.total': { zh: '共 {n} 位客户', en: '{n} customers' },
  'customers.more': { zh: '加载更多', en: 'Load more' },

  'profile.back': { zh: '← 返回客户列表', en: '← Back to customers' },
  'profile.identities': { zh: '身份', en: 'Identities' },
  'profile.traits': { zh: '属性', en: 'Traits' },
  'profile.tags': { zh: '标签', en: 'Tags' },
  'profile.add_tag': { zh: '添加标签', en: 'Add tag' },
  'profile.tag_placeholder': { zh: '例如 skin:oily', en: 'e.g. skin:oily' },
  'profile.remove_tag': { zh: '移除标签 {tag}', en: 'Remove tag {tag}' },
  'profile.orders': { zh: '订单', en: 'Orders' },
  'profile.timeline': { zh: '事件时间线', en: 'Timeline' },
  'profile.channel': { zh: '来源渠道', en: 'Channel' },
  'profile.owner': { zh: '归属员工', en: 'Owner' },
  'profile.stage': { zh: '生命周期阶段', en: 'Lifecycle stage' },
  'profile.rfm': { zh: 'RFM 分层', en: 'RFM cell' },
  'profile.spent': { zh: '累计消费', en: 'Spent' },
  'profile.show_phone': { zh: '显示完整号码', en: 'Show full number' },
  'profile.no_orders': { zh: '还没有订单。', en: 'No orders yet.' },
  'profile.no_tags': { zh: '还没有标签。', en: 'No tags yet.' },
  'profile.no_traits': { zh: '还没有属性：identify 调用带上的 traits 会显示在这里。', en: 'No traits yet: the traits of identify calls show here.' },
  'profile.order_id': { zh: '订单号', en: 'Order' },
  'profile.paid_at': { zh: '支付时间', en: 'Paid at' },
  'profile.amount': { zh: '金额', en: 'Amount' },
  'profile.event': { zh: '事件', en: 'Event' },
  'profile.at': { zh: '时间', en: 'At' },
  'profile.none': { zh: '无', en: 'none' },
  'profile.journeys': { zh: '进行中的旅程', en: 'Journeys running' },
  'profile.groups': { zh: '所在社群', en: 'Groups' },
  'profile.step': { zh: '当前步骤', en: 'Step' },
  'profile.no_journeys': { zh: '没有进行中的旅程。', en: 'No journey is running for this customer.' },
  'profile.no_groups': { zh: '不在任何社群里。', en: 'Not in any group.' },

  'segments.title': { zh: '分群', en: 'Segments' },
  'segments.builder': { zh: '规则构建器', en: 'Rule builder' },
  'segments.text': { zh: '规则文本', en: 'Rule text' },
  'segments.count': { zh: '符合条件：{n} 位客户', en: 'Matching: {n} customers' },
  'segments.counting': { zh: '计算中…', en: 'Counting…' },
  'segments.all': { zh: '满足全部（且）', en: 'All of (and)' },
  'segments.any': { zh: '满足任一（或）', en: 'Any of (or)' },
  'segments.none': { zh: '都不满足（非）', en: 'None of (not)' },
  'segments.add_condition': { zh: '+ 条件', en: '+ Condition' },
  'segments.add_group': { zh: '+ 条件组', en: '+ Group' },
  'segments.remove': { zh: '删除', en: 'Remove' },
  'segments.name': { zh: '分群名称', en: 'Segment name' },
  'segments.save': { zh: '保存分群', en: 'Save segment' },
  'segments.saved': { zh: '已保存', en: 'Saved' },
  'segments.list': { zh: '已保存的分群', en: 'Saved segments' },
  'segments.export': { zh: '导出 CSV', en: 'Export CSV' },
  'segments.customers': { zh: '客户数', en: 'Customers' },
  'segments.empty': {
    zh: '还没有保存的分群：在上面搭好规则并保存。',
    en: 'No saved segments yet: build a rule above and save it.',
  },
  'segments.field': { zh: '字段', en: 'Field' },
  'segments.op': { zh: '比较', en: 'Operator' },
  'segments.value': { zh: '值', en: 'Value' },
  'field.stage': { zh: '生命周期阶段', en: 'Lifecycle stage' },
  'field.tag': { zh: '标签', en: 'Tag' },
  'field.rfm': { zh: 'RFM 分层', en: 'RFM cell' },
  'field.orders': { zh: '订单数', en: 'Order count' },
  'field.spent': { zh: '累计消费（元）', en: 'Spent (yuan)' },
  'field.channel': { zh: '来源渠道', en: 'Channel' },
  'field.trait': { zh: '属性', en: 'Trait' },
  'field.event': { zh: '近 N 天发生事件', en: 'Did an event in the last N days' },

  'list.journeys': { zh: '旅程', en: 'Journeys' },
  'list.groups': { zh: '社群', en: 'Groups' },
  'list.fission': { zh: '裂变活动', en: 'Fission campaigns' },
  'list.distribution': { zh: '分销员', en: 'Distributors' },
  'list.tasks': { zh: '待办任务', en: 'Tasks' },
  'list.empty': { zh: '这里还没有内容：用 API 或命令行创建后会显示在这里。', en: 'Nothing here yet: what you create through the API or the CLI shows up here.' },
  'col.id': { zh: 'ID', en: 'ID' },
  'col.name': { zh: '名称', en: 'Name' },
  'col.status': { zh: '状态', en: 'Status' },
  'col.members': { zh: '成员', en: 'Members' },
  'col.created_at': { zh: '创建时间', en: 'Created' },
  'col.kind': { zh: '类型', en: 'Kind' },
  'col.customer': { zh: '客户', en: 'Customer' },
  'col.due': { zh: '截止', en: 'Due' },
  'col.grade': { zh: '等级', en: 'Grade' },
  'col.title': { zh: '标题', en: 'Title' },
  'col.version': { zh: '版本', en: 'Version' },
  'col.capacity': { zh: '容量', en: 'Capacity' },
  'col.owner': { zh: '负责人', en: 'Owner' },
  'col.start': { zh: '开始', en: 'Start' },
  'col.end': { zh: '结束', en: 'End' },
  'col.budget': { zh: '预算', en: 'Budget' },
  'col.code': { zh: '推广码', en: 'Code' },
  'col.clients': { zh: '客户数', en: 'Clients' },
  'col.gmv': { zh: 'GMV', en: 'GMV' },
  'col.earned': { zh: '已赚佣金', en: 'Earned' },
  'growth.fission': { zh: '裂变活动看板', en: 'Fission campaign board' },
  'growth.participants': { zh: '参与人数', en: 'Participants' },
  'growth.invites_per': { zh: '人均邀请', en: 'Invites per participant' },
  'growth.k': { zh: 'K 因子', en: 'K-factor' },
  'growth.cost_per': { zh: '获客成本', en: 'Cost per customer' },
  'growth.distribution': { zh: '分销总览', en: 'Distribution programme' },
  'growth.commission': { zh: '佣金', en: 'Commission' },
  'growth.commission_ratio': { zh: '佣金成本率', en: 'Commission cost ratio' },
  'growth.withdrawn': { zh: '已提现', en: 'Withdrawn' },
  'action.pause': { zh: '暂停', en: 'Pause' },
  'action.activate': { zh: '启用', en: 'Activate' },
  'action.approve': { zh: '通过', en: 'Approve' },
  'action.reject': { zh: '拒绝', en: 'Reject' },
  'action.freeze': { zh: '冻结', en: 'Freeze' },
  'action.unfreeze': { zh: '解冻', en: 'Unfreeze' },
  'action.complete': { zh: '完成', en: 'Complete' },
  'action.reason': { zh: '原因（会记录在案）：', en: 'Why (kept on record):' },

  'reports.title': { zh: '报表', en: 'Reports' },
  'reports.cohorts': { zh: '同期群复购（按月）', en: 'Cohort repurchase (monthly)' },
  'reports.cohort': { zh: '同期群', en: 'Cohort' },
  'reports.offset': { zh: '第 {n} 月', en: 'Month {n}' },
  'reports.funnel': { zh: '渠道漏斗', en: 'Channel funnel' },
  'reports.ltv': { zh: '各渠道 LTV', en: 'LTV by channel' },
  'reports.historical': { zh: '历史 LTV', en: 'Historical LTV' },
  'reports.predicted': { zh: '预测 LTV（一年）', en: 'Predicted LTV (a year)' },
  'reports.grid': { zh: '触点 × 阶段', en: 'Touchpoint × stage' },
  'reports.grid_hint': {
    zh: '每格：结果 / 客户数。灰色为空白，橙色为薄弱。',
    en: 'Each cell: results / customers. Grey is empty, orange is weak.',
  },
  'reports.gaps': { zh: '需要补的环节', en: 'Gaps to fill' },
  'reports.no_cohorts': { zh: '还没有客户数据。', en: 'No customers yet.' },

  'nav.content': { zh: '内容日历', en: 'Content calendar' },
  'content.title': { zh: '内容日历', en: 'Content calendar' },
  'content.calendar': { zh: '朋友圈排期', en: 'Moments plan' },
  'content.library': { zh: '内容库（按表现排序）', en: 'Content library, best first' },
  'content.staff': { zh: '员工账号', en: 'Staff accounts' },
  'content.persona': { zh: '人设', en: 'Persona' },
  'content.days': { zh: '天数', en: 'Days' },
  'content.plan': { zh: '生成排期', en: 'Plan' },
  'content.day': { zh: '日期', en: 'Day' },
  'content.views': { zh: '浏览', en: 'Views' },
  'content.likes': { zh: '点赞', en: 'Likes' },
  'content.score': { zh: '得分', en: 'Score' },
  'content.no_posts': { zh: '这段时间没有排期。', en: 'Nothing planned for these days.' },
  'content.no_items': {
    zh: '内容库是空的：用 POST /v1/content/items 添加内容（docs/content.md）。',
    en: 'The library is empty: add items with POST /v1/content/items (docs/content.md).',
  },
  'content.need_staff': { zh: '请填写至少一个员工账号，例如 stf_lily。', en: 'Name at least one staff account, such as stf_lily.' },
  'persona.expert': { zh: '专家顾问', en: 'Expert' },
  'persona.friend': { zh: '闺蜜好友', en: 'Friend' },
  'persona.shopkeeper': { zh: '店主', en: 'Shopkeeper' },
  'kind.knowledge': { zh: '干货知识', en: 'Knowledge' },
  'kind.daily_life': { zh: '日常生活', en: 'Daily life' },
  'kind.product_ad': { zh: '产品广告', en: 'Product ad' },
  'kind.buyer_show': { zh: '买家秀', en: 'Buyer show' },
  'kind.promotion': { zh: '促销活动', en: 'Promotion' },
  'kind.emotional': { zh: '情感共鸣', en: 'Emotional' },

  'settings.title': { zh: '设置', en: 'Settings' },
  'settings.timezone': { zh: '时区', en: 'Time zone' },
  'settings.quiet_hours': { zh: '免打扰时段', en: 'Quiet hours' },
  'settings.caps': { zh: '触达频次上限', en: 'Contact caps' },
  'settings.channels': { zh: '渠道', en: 'Channels' },
  'settings.keys': { zh: '密钥', en: 'Keys' },
  'settings.keys_hint': {
    zh: '密钥只在创建时显示一次：用 pond key create 新建，pond key list 查看。',
    en: 'Keys are shown once when made: pond key create makes one, pond key list lists them.',
  },
  'settings.code': { zh: '渠道码', en: 'Code' },
  'settings.workspace': { zh: '工作区', en: 'Workspace' },
  'settings.messaging': { zh: '触达规则', en: 'Messaging rules' },
  'settings.quiet_start': { zh: '开始', en: 'From' },
  'settings.quiet_end': { zh: '结束', en: 'Until' },
  'settings.per_day': { zh: '每天', en: 'Per day' },
  'settings.per_week': { zh: '每周', en: 'Per week' },
  'settings.per_month': { zh: '每月', en: 'Per month' },
  'settings.caps_hint': {
    zh: '默认渠道下每位客户最多收到的营销消息数（旅程与群发共用）；每月为 0 表示不设月上限。',
    en: 'The most marketing messages one customer gets on a channel without its own caps (journeys and broadcasts together); 0 a month sets no monthly cap.',
  },
  'settings.staff': { zh: '员工账号限额', en: 'Staff account limits' },
  'settings.save': { zh: '保存', en: 'Save' },
  'settings.saved': { zh: '已保存', en: 'Saved' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type MessageKey = keyof typeof messages;

const STORAGE_KEY = 'pond.locale';
let current: Locale = (localStorage.getItem(STORAGE_KEY) as Locale | null) ?? 'zh';

export function locale(): Locale {
  return current;
}

export function setLocale(next: Locale): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

// t('customers.total', {n: 3}) → "共 3 位客户".
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = messages[key][current];
  return text.replace(/\{(\w+)\}/g, (all, name: string) => (name in vars ? String(vars[name]) : all));
}

// A value from the data that pond names itself (a default lifecycle stage, an RFM cell), in the
// reader's language; any other value (an operator's own stage) as it is.
export function label(prefix: 'lifecycle' | 'rfm', value: string | null | undefined): string {
  if (!value) return '—';
  const key = `${prefix}.${value}`;
  return key in messages ? messages[key as MessageKey][current] : value;
}

const intlLocale = () => (current === 'zh' ? 'zh-CN' : 'en-US');

// Integer fen → "¥1,234.50": exact, never through floating point.
export function money(fen: number): string {
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan.toLocaleString(intlLocale())}.${cents}`;
}

export function count(n: number): string {
  return n.toLocaleString(intlLocale());
}

export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

// ISO 8601 → local date and time in the reader's language.
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(intlLocale(), { dateStyle: 'medium', timeStyle: 'short' });
}
