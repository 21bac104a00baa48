import { useState } from 'react';
import { Button, Card, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { api, type Page, type SessionUser } from '../api';
import { useAuth } from '../auth';
import { useAction, useDebounced, useLoad } from '../hooks';
import { ROLE_LABELS, SUBJECTS, shanghai } from '../labels';
import { OrgSelect } from '../components/SearchSelect';
import { FormModal } from '../components/FormModal';
import { NewPasswordFields } from '../components/PasswordDialog';

interface Account {
  id: string;
  username: string;
  name: string;
  role: string;
  roleLabel: string;
  phone: string | null;
  subject: string | null;
  active: boolean;
  lastLoginAt: string | null;
  organization: { id: string; name: string; kind: string };
}

const PASSWORD = { pattern: /^(?=.*[A-Za-z])(?=.*\d)[\s\S]{8,128}$/, message: '密码至少 8 位，且须同时包含字母和数字' };

/** 账号管理: administrators create the accounts of their scope, disable them, and reset forgotten passwords. */
export default function Accounts() {
  const { user } = useAuth();
  // A new search or role starts again from page 1.
  const [filters, setFilters] = useState<{ q: string; role?: string; page: number }>({ q: '', page: 1 });
  const filterBy = (change: Partial<typeof filters>) => setFilters((f) => ({ ...f, page: 1, ...change }));
  const { role, page } = filters;
  const query = useDebounced(filters.q, 300);
  const list = useLoad(() => api<Page<Account>>('users', { query: { q: query || undefined, role, page, limit: 20 } }), [query, role, page]);
  const act = useAction();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Account | null>(null);
  const accountRoles = user?.accountRoles ?? [];
  const manageable = accountRoles.map((r) => r.role);
  const canManage = (a: Account) => a.id !== user?.id && manageable.includes(a.role);
  const setActive = (a: Account, active: boolean) =>
    act.run(() => api(`users/${a.id}`, { method: 'PATCH', json: { active } }), active ? `已启用 ${a.name}` : `已停用 ${a.name}，其登录已失效`).then(list.reload);

  return (
    <Card
      title="账号管理"
      extra={
        manageable.length > 0 && (
          <Button type="primary" onClick={() => setCreating(true)}>
            新建账号
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          allowClear
          aria-label="查找账号"
          placeholder="姓名、用户名或手机号"
          style={{ width: 240 }}
          value={filters.q}
          onChange={(e) => filterBy({ q: e.target.value })}
        />
        <Select
          allowClear
          aria-label="角色"
          placeholder="全部角色"
          style={{ width: 140 }}
          value={role}
          onChange={(v) => filterBy({ role: v })}
          options={Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items}
        scroll={{ x: 900 }}
        locale={{ emptyText: '暂无账号' }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: (p) => filterBy({ page: p }), showSizeChanger: false }}
        columns={[
          { title: '姓名', dataIndex: 'name' },
          { title: '用户名', dataIndex: 'username' },
          { title: '角色', dataIndex: 'roleLabel' },
          { title: '单位', render: (_, a) => a.organization.name },
          { title: '学科', render: (_, a) => a.subject ?? '—' },
          { title: '手机', render: (_, a) => a.phone ?? '—' },
          { title: '最近登录', render: (_, a) => shanghai(a.lastLoginAt) },
          { title: '状态', render: (_, a) => (a.active ? <Tag color="green">启用</Tag> : <Tag>已停用</Tag>) },
          {
            title: '操作',
            render: (_, a) =>
              canManage(a) && (
                <Space size={0}>
                  <Button size="small" type="link" onClick={() => setResetting(a)}>
                    重置密码
                  </Button>
                  {a.active ? (
                    <Popconfirm title={`停用 ${a.name} 的账号？其所有登录将立即失效。`} okText="停用" cancelText="取消" onConfirm={() => setActive(a, false)}>
                      <Button size="small" type="link" danger>
                        停用
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button size="small" type="link" onClick={() => setActive(a, true)}>
                      启用
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      <Typography.Text type="secondary">共 {list.data?.total ?? 0} 个账号</Typography.Text>
      <CreateAccountModal open={creating} roles={accountRoles} onClose={() => setCreating(false)} onDone={() => (setCreating(false), list.reload())} />
      <ResetPasswordModal account={resetting} onClose={() => setResetting(null)} />
    </Card>
  );
}

function CreateAccountModal({ open, roles, onClose, onDone }: { open: boolean; roles: SessionUser['accountRoles']; onClose: () => void; onDone: () => void }) {
  const { user } = useAuth();
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as string | undefined;
  // A school admin creates accounts of their own school only.
  const ownSchool = user?.role === 'school_admin' ? user.organization : null;
  return (
    <FormModal<Record<string, string | undefined>>
      open={open}
      form={form}
      title="新建账号"
      okText="创建"
      success={(v) => `已创建账号 ${v.username}`}
      send={(v) => api('users', { method: 'POST', json: { ...v, organizationId: ownSchool?.id ?? v.organizationId, phone: v.phone || undefined, subject: v.subject || undefined } })}
      onClose={onClose}
      onDone={onDone}
      initialValues={{ role: roles.some((r) => r.role === 'teacher') ? 'teacher' : roles[0]?.role }}
    >
      <Form.Item name="role" label="角色" rules={[{ required: true }]}>
        <Select options={roles.map((r) => ({ value: r.role, label: ROLE_LABELS[r.role] ?? r.role }))} onChange={() => form.setFieldValue('organizationId', undefined)} />
      </Form.Item>
      {ownSchool ? (
        <Form.Item label="单位">
          <Input value={ownSchool.name} disabled />
        </Form.Item>
      ) : (
        <Form.Item name="organizationId" label="单位" rules={[{ required: true, message: '请选择单位' }]}>
          <OrgSelect kinds={roles.find((r) => r.role === role)?.organizationKinds ?? ['school']} />
        </Form.Item>
      )}
      <Form.Item name="name" label="姓名" rules={[{ required: true, message: '请填写姓名' }]}>
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item name="username" label="用户名" rules={[{ required: true, pattern: /^[a-zA-Z][a-zA-Z0-9._-]{2,63}$/, message: '以字母开头，3-64 位，可含字母、数字、点、下划线和连字符' }]}>
        <Input maxLength={64} autoComplete="off" />
      </Form.Item>
      <Form.Item name="password" label="初始密码" rules={[{ required: true, ...PASSWORD }]} extra="请告知本人，并提醒其登录后修改">
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item name="phone" label="手机号" rules={[{ pattern: /^1[3-9]\d{9}$/, message: '11 位中国大陆手机号' }]}>
        <Input maxLength={11} />
      </Form.Item>
      {(role === 'teacher' || role === 'mentor') && (
        <Form.Item name="subject" label="学科">
          <Select allowClear options={SUBJECTS.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
      )}
    </FormModal>
  );
}

function ResetPasswordModal({ account, onClose }: { account: Account | null; onClose: () => void }) {
  return (
    <FormModal<{ newPassword: string }>
      open={!!account}
      title={`重置密码：${account?.name ?? ''}（${account?.username ?? ''}）`}
      okText="重置"
      success={`已重置 ${account?.name ?? ''} 的密码，其原有登录已失效`}
      send={({ newPassword }) => api(`users/${account!.id}/password`, { method: 'POST', json: { newPassword } })}
      onClose={onClose}
      onDone={onClose}
    >
      <NewPasswordFields extra="至少 8 位，须同时包含字母和数字。请告知本人，并提醒其登录后修改" />
    </FormModal>
  );
}
