import { useEffect, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { App as AntApp, Button, Drawer, Grid, Layout, Menu, Space, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { MenuOutlined } from '@ant-design/icons';
import { useAuth } from '../auth';
import { ROLE_LABELS } from '../labels';
import PasswordDialog from './PasswordDialog';
import { LiveNotificationsProvider, NotificationBell } from './LiveNotifications';

const { Header, Sider, Content } = Layout;

function menuFor(role: string): MenuProps['items'] {
  const coordinator = role === 'city_admin' || role === 'county_admin';
  const items: { key: string; label: string }[] = [];
  if (coordinator) items.push({ key: '/dashboard', label: '数据看板' });
  if (role === 'school_admin') items.push({ key: '/school', label: '学校首页' }, { key: '/dashboard', label: '学校看板' });
  if (role === 'teacher') items.push({ key: '/teacher', label: '我的首页' });
  items.push({ key: '/inbox', label: '消息与推送' });
  items.push({ key: '/partnerships', label: '帮扶共同体' });
  if (role !== 'teacher') items.push({ key: '/plans', label: '一校一策' }, { key: '/rectifications', label: '督导整改' });
  items.push({ key: '/research', label: '教研活动' });
  items.push({ key: '/library', label: '资源库' }, { key: '/library/upload', label: '上传资源' }, { key: '/library/collections', label: '收藏与资源包' });
  if (coordinator) items.push({ key: '/library/review', label: '资源审核' });
  if (coordinator || role === 'mentor') items.push({ key: '/library/pushes', label: '资源推送' });
  items.push({ key: '/schools', label: '学校名录' });
  if (coordinator || role === 'school_admin') items.push({ key: '/accounts', label: '账号管理' });
  return items;
}

/**
 * Wide tables scroll sideways inside their own box on a phone; keyboard users can only scroll a box that takes the
 * focus. antd gives no prop for it, so every table box that overflows gets a tab stop and a name (and loses them
 * when it fits again).
 */
function useFocusableScrollBoxes() {
  useEffect(() => {
    let frame = 0;
    const mark = () => {
      frame = 0;
      document.querySelectorAll<HTMLElement>('.ant-table-content, .ant-table-body').forEach((el) => {
        const scrolls = el.scrollWidth > el.clientWidth + 1;
        if (scrolls && !el.hasAttribute('tabindex')) {
          el.tabIndex = 0;
          el.setAttribute('role', 'region');
          el.setAttribute('aria-label', '表格（可用方向键左右滚动）');
          el.dataset.xzScroll = '1';
        } else if (!scrolls && el.dataset.xzScroll) {
          el.removeAttribute('tabindex');
          el.removeAttribute('role');
          el.removeAttribute('aria-label');
          delete el.dataset.xzScroll;
        }
      });
    };
    const later = () => {
      frame ||= requestAnimationFrame(mark);
    };
    const observer = new MutationObserver(later);
    observer.observe(document.body, { childList: true, subtree: true });
    window.addEventListener('resize', later);
    later();
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', later);
      cancelAnimationFrame(frame);
    };
  }, []);
}

export default function Shell() {
  const { user, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [open, setOpen] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  useFocusableScrollBoxes();
  const mobile = !screens.md;
  if (!user) return null;
  const items = menuFor(user.role);
  const selected = (items ?? [])
    .map((i) => String(i!.key))
    .filter((k) => location.pathname === k || location.pathname.startsWith(k + '/'))
    .sort((a, b) => b.length - a.length)[0];
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      items={items}
      onClick={({ key }) => {
        navigate(key);
        setOpen(false);
      }}
    />
  );
  return (
    <AntApp>
    <LiveNotificationsProvider userId={user.id}>
    <Layout style={{ minHeight: '100vh' }}>
      {!mobile && (
        <Sider width={200} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
          <div style={{ padding: '16px', fontWeight: 600, fontSize: 16 }}>县中协作平台</div>
          {menu}
        </Sider>
      )}
      <Layout>
        <Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0' }}>
          <Space>
            {mobile && <Button icon={<MenuOutlined />} aria-label="打开菜单" onClick={() => setOpen(true)} />}
            {mobile && <strong>县中协作平台</strong>}
          </Space>
          <Space size="small" wrap={false} align="center">
            <Typography.Text data-testid="current-user" ellipsis style={{ maxWidth: mobile ? 140 : 400, lineHeight: 1.5, verticalAlign: 'middle' }}>
              {user.name}（{ROLE_LABELS[user.role] ?? user.role}
              {user.organization ? ` · ${user.organization.name}` : ''}）
            </Typography.Text>
            <NotificationBell onOpen={() => navigate('/inbox')} />
            {!mobile && (
              <Button size="small" onClick={() => setPasswordOpen(true)}>
                修改密码
              </Button>
            )}
            <Button size="small" onClick={() => signOut().then(() => navigate('/login'))}>
              退出
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: mobile ? 8 : 16, minWidth: 0 }}>
          <Outlet />
        </Content>
      </Layout>
      <PasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
      <Drawer open={open} onClose={() => setOpen(false)} placement="left" width={240} title="县中协作平台">
        {menu}
        {/* On a phone the header has room for the name and 退出 only. */}
        <Button
          type="text"
          block
          style={{ marginTop: 8, textAlign: 'left' }}
          onClick={() => {
            setOpen(false);
            setPasswordOpen(true);
          }}
        >
          修改密码
        </Button>
      </Drawer>
    </Layout>
    </LiveNotificationsProvider>
    </AntApp>
  );
}
