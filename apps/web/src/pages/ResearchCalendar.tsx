import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Badge, Button, Calendar, Card, Empty, Segmented, Space, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../api';
import { useAuth } from '../auth';
import { useLoad } from '../hooks';
import { SESSION_STATUS, SESSION_STATUS_COLOR, shanghaiDay, shanghaiTime, weekStart, type SessionSummary } from '../research/types';

type Mode = 'week' | 'month';
const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** The window the view shows: a Monday-based week, or the whole 6-week grid of a month. */
function rangeOf(mode: Mode, anchor: Dayjs): { from: Date; to: Date } {
  if (mode === 'week') {
    const from = weekStart(anchor.toDate());
    return { from, to: new Date(from.getTime() + 7 * 86400_000) };
  }
  const from = weekStart(anchor.startOf('month').toDate());
  return { from, to: new Date(from.getTime() + 42 * 86400_000) };
}

function SessionChip({ s }: { s: SessionSummary }) {
  return (
    <Link to={`/research/${s.id}`} data-testid="calendar-session" style={{ display: 'block', fontSize: 12, lineHeight: 1.4, marginBottom: 2 }}>
      <Badge color={SESSION_STATUS_COLOR[s.status] === 'default' ? 'gray' : SESSION_STATUS_COLOR[s.status]} />
      {shanghaiTime(s.startsAt)} {s.title}
    </Link>
  );
}

export default function ResearchCalendar() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [mode, setMode] = useState<Mode>('week');
  const [anchor, setAnchor] = useState(() => dayjs());
  const range = useMemo(() => rangeOf(mode, anchor), [mode, anchor]);
  const { data, loading } = useLoad(
    () => api<{ items: SessionSummary[]; truncated: boolean }>('research-sessions', { query: { from: range.from.toISOString(), to: range.to.toISOString() } }),
    [range.from.getTime(), range.to.getTime()],
  );
  const byDay = useMemo(() => {
    const m = new Map<string, SessionSummary[]>();
    for (const s of data?.items ?? []) {
      const k = shanghaiDay(s.startsAt);
      m.set(k, [...(m.get(k) ?? []), s]);
    }
    return m;
  }, [data]);
  const canHost = user && user.role !== 'mentor';
  const step = (dir: number) => setAnchor((a) => a.add(dir, mode === 'week' ? 'week' : 'month'));
  const days = Array.from({ length: 7 }, (_, i) => dayjs(range.from).add(i, 'day'));

  return (
    <Card
      title="教研日历"
      extra={
        canHost && (
          <Button type="primary" onClick={() => navigate('/research/new')}>
            安排教研活动
          </Button>
        )
      }
      loading={false}
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Mode> aria-label="视图" value={mode} onChange={setMode} options={[{ value: 'week', label: '周' }, { value: 'month', label: '月' }]} />
        <Button onClick={() => step(-1)} aria-label={mode === 'week' ? '上一周' : '上一月'}>
          ‹
        </Button>
        <Button onClick={() => setAnchor(dayjs())}>今天</Button>
        <Button onClick={() => step(1)} aria-label={mode === 'week' ? '下一周' : '下一月'}>
          ›
        </Button>
        <Typography.Text strong data-testid="calendar-range">
          {mode === 'week' ? `${days[0].format('YYYY年M月D日')} – ${days[6].format('M月D日')}` : anchor.format('YYYY年M月')}
        </Typography.Text>
        {loading && <Typography.Text type="secondary">加载中…</Typography.Text>}
      </Space>
      {data?.truncated && <Alert type="warning" showIcon message="本时段活动过多，只显示了一部分" style={{ marginBottom: 8 }} />}
      {mode === 'week' ? (
        <div data-testid="calendar-week" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(128px, 1fr))', gap: 8 }}>
          {days.map((d, i) => {
            const list = byDay.get(d.format('YYYY-MM-DD')) ?? [];
            const today = d.isSame(dayjs(), 'day');
            return (
              <div key={i} style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: 8, minHeight: 140, background: today ? '#eff6ff' : undefined }}>
                <Typography.Text strong>
                  {WEEKDAYS[i]} {d.format('M/D')}
                </Typography.Text>
                {list.length === 0 ? (
                  <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>
                    无活动
                  </Typography.Paragraph>
                ) : (
                  list.map((s) => (
                    <Link key={s.id} to={`/research/${s.id}`} data-testid="calendar-session" style={{ display: 'block', marginTop: 8, padding: 6, borderRadius: 4, background: '#f8fafc', border: '1px solid #e2e8f0' }}>
                      <div style={{ fontSize: 12, color: '#64748b' }}>
                        {shanghaiTime(s.startsAt)}–{shanghaiTime(s.endsAt)} <Tag color={SESSION_STATUS_COLOR[s.status]}>{SESSION_STATUS[s.status]}</Tag>
                      </div>
                      <div style={{ fontWeight: 500 }}>{s.title}</div>
                      <div style={{ fontSize: 12, color: '#64748b' }}>
                        {s.kindLabel} · {s.hostOrganizationName}
                      </div>
                    </Link>
                  ))
                )}
              </div>
            );
          })}
        </div>
      ) : (
        <div data-testid="calendar-month">
          <Calendar
            value={anchor}
            onPanelChange={(v) => setAnchor(v)}
            onSelect={(v, info) => info.source === 'date' && setAnchor(v)}
            headerRender={() => null}
            cellRender={(current, info) => {
              if (info.type !== 'date') return info.originNode;
              const list = byDay.get(current.format('YYYY-MM-DD')) ?? [];
              return list.map((s) => <SessionChip key={s.id} s={s} />);
            }}
          />
        </div>
      )}
      {!loading && data && data.items.length === 0 && <Empty description="本时段没有教研活动" style={{ marginTop: 12 }} />}
    </Card>
  );
}
