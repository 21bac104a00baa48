import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Breadcrumb, Button, Card, Col, Empty, Row, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import { api, download } from '../api';
import { useAction, useLoad } from '../hooks';
import { INDICATOR_STATUS, MEASURE_STATUS, RECT_STATUS } from '../labels';
import { isCoordinator, useAuth } from '../auth';
import Chart from '../components/Chart';

interface Ref { id: string; name: string }
interface MeasureFigures { plans: number; measures: number; byStatus: Record<string, number>; overdue: number; awaitingReview: number; done: number; onTimeShare: number | null }
interface IndicatorItem { key: string; nameZh: string; unit: string; valueUnit: string; direction: string; target: number | null; basis: string; value: number | null; status: string }
interface Dashboard {
  scope: { level: 'city' | 'county' | 'school'; county: Ref | null; school: Ref | null; name: string };
  today: string;
  measures: MeasureFigures;
  indicators: { year: number; summary: { onTarget: number; offTarget: number; noData: number }; items: IndicatorItem[] };
  rectifications: { total: number; open: number; submitted: number; closed: number; notClosed: number; overdue: number };
  partnerships: { total: number; items: { id: string; name: string; kind: string; status: string; health: string; healthLabel: string; memberSchools: Ref[] }[] };
  breakdown: { organization: Ref; measures: MeasureFigures; rectifications: { notClosed: number; overdue: number }; partnerships: { total: number }; indicators: { onTarget: number; offTarget: number; noData: number } }[];
  overdueMeasures: { id: string; title: string; schoolName: string; dueDate: string; daysOverdue: number; status: string }[];
  openRectifications: { id: string; title: string; organizationName: string | null; deadline: string; status: string; overdue: boolean; daysOverdue: number }[];
}

const HEALTH_TAG: Record<string, string> = { on_track: 'green', at_risk: 'orange', behind: 'red' };

/** How far an indicator is toward its target, in % (100 = on the target line). */
function attainment(i: IndicatorItem): number | null {
  if (i.value === null) return null;
  if (i.basis === 'rollup') return i.value; // share of units on target, already in %
  if (i.target === null || i.target === 0) return null;
  const r = i.direction === 'at_most' ? (i.target / Math.max(i.value, 1e-9)) * 100 : (i.value / i.target) * 100;
  return Math.round(r * 10) / 10;
}

export default function DashboardPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { user } = useAuth();
  const countyId = params.get('countyId') ?? undefined;
  const schoolId = params.get('schoolId') ?? undefined;
  const { data, loading } = useLoad(() => api<Dashboard>('dashboard', { query: { countyId, schoolId } }), [countyId, schoolId]);
  const report = useAction();

  const measureOption = useMemo(() => {
    if (!data) return null;
    const keys = ['not_started', 'in_progress', 'done', 'blocked'];
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: keys.map((k) => ({ name: MEASURE_STATUS[k], value: data.measures.byStatus[k] ?? 0 })).filter((d) => d.value > 0),
          label: { formatter: '{b}: {c}' },
        },
      ],
    };
  }, [data]);

  const indicatorOption = useMemo(() => {
    if (!data) return null;
    const items = data.indicators.items;
    return {
      tooltip: {
        trigger: 'axis',
        formatter: (ps: { dataIndex: number }[]) => {
          const i = items[ps[0].dataIndex];
          const v = i.value === null ? '暂无数据' : i.basis === 'rollup' ? `下级达标占比 ${i.value}%` : `${i.value}${i.valueUnit}`;
          return `${i.nameZh}<br/>当前：${v}<br/>目标：${i.direction === 'at_most' ? '≤' : '≥'}${i.target ?? '—'}${i.unit}`;
        },
      },
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      xAxis: { type: 'value', name: '达成度%', max: (v: { max: number }) => Math.max(120, Math.ceil(v.max / 10) * 10) },
      yAxis: { type: 'category', data: items.map((i) => i.nameZh), inverse: true, axisLabel: { width: window.innerWidth < 576 ? 90 : 180, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          data: items.map((i) => {
            const a = attainment(i);
            return { value: a ?? 0, itemStyle: { color: a === null ? '#d9d9d9' : a >= 100 ? '#52c41a' : '#fa8c16' } };
          }),
          markLine: { symbol: 'none', data: [{ xAxis: 100, name: '目标' }], label: { formatter: '目标线' }, lineStyle: { color: '#cf1322', type: 'dashed', width: 2 } },
        },
      ],
    };
  }, [data]);

  if (loading && !data) return <Skeleton active />;
  if (!data) return <Empty description="暂无数据" />;
  const s = data.scope;
  const crumbs = [{ title: <Link to="/dashboard">广元市</Link> }];
  if (s.county) crumbs.push({ title: <Link to={`/dashboard?countyId=${s.county.id}`}>{s.county.name}</Link> });
  if (s.school) crumbs.push({ title: <span>{s.school.name}</span> });
  const drillPath = (id: string) => (s.level === 'city' ? `/dashboard?countyId=${id}` : `/dashboard?schoolId=${id}`);
  const drill = (id: string) => navigate(drillPath(id));

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {user?.role === 'city_admin' && <Breadcrumb items={crumbs} />}
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="dashboard-title">
          {s.name} · 数据看板
        </Typography.Title>
        {isCoordinator(user?.role) && s.level !== 'school' && (
          <Button
            loading={report.busy}
            onClick={() => report.run(() => download(buildReportPath(s), '督导报表.xlsx'), '报表已下载')}
          >
            下载督导报表（.xlsx）
          </Button>
        )}
      </Space>
      <Typography.Text type="secondary">统计日期 {data.today}（北京时间）· 指标年度 {data.indicators.year}-{data.indicators.year + 1} 学年</Typography.Text>
      <Row gutter={[12, 12]}>
        {[
          ['一校一策方案', data.measures.plans],
          ['整改措施', data.measures.measures],
          ['逾期措施', data.measures.overdue],
          ['待审核销号', data.measures.awaitingReview],
          ['未销号整改单', data.rectifications.notClosed],
          ['帮扶共同体', data.partnerships.total],
        ].map(([t, v]) => (
          <Col xs={12} sm={8} lg={4} key={String(t)}>
            <Card size="small">
              <Statistic title={t} value={v as number} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={10}>
          <Card size="small" title="措施进展（按状态）">
            {data.measures.measures === 0 ? <Empty description="暂无措施" /> : <Chart option={measureOption!} label="措施按状态分布" />}
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title={`指标达成（达标 ${data.indicators.summary.onTarget} · 未达标 ${data.indicators.summary.offTarget} · 暂无数据 ${data.indicators.summary.noData}）`}>
            <Chart option={indicatorOption!} height={Math.max(260, data.indicators.items.length * 26)} label="指标对照目标" />
          </Card>
        </Col>
      </Row>
      {data.breakdown.length > 0 && (
        <Card size="small" title={s.level === 'city' ? '各县区（点击查看）' : '各学校（点击查看）'}>
          <Table
            size="small"
            rowKey={(r) => r.organization.id}
            dataSource={data.breakdown}
            pagination={false}
            scroll={{ x: 640 }}
            onRow={(r) => ({ onClick: () => drill(r.organization.id), style: { cursor: 'pointer' } })}
            columns={[
              {
                title: '名称',
                // A real link (keyboard, new tab); the row's own click does the same for the mouse.
                render: (_, r) => (
                  <Link to={drillPath(r.organization.id)} onClick={(e) => e.stopPropagation()}>
                    {r.organization.name}
                  </Link>
                ),
              },
              { title: '措施', render: (_, r) => r.measures.measures },
              { title: '已完成', render: (_, r) => r.measures.done },
              { title: '逾期', render: (_, r) => (r.measures.overdue ? <Tag color="red">{r.measures.overdue}</Tag> : 0) },
              { title: '未销号整改', render: (_, r) => r.rectifications.notClosed },
              { title: '指标达标/未达标', render: (_, r) => `${r.indicators.onTarget}/${r.indicators.offTarget}` },
            ]}
          />
        </Card>
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Card size="small" title="帮扶共同体运行情况">
            <Table
              size="small"
              rowKey="id"
              dataSource={data.partnerships.items}
              pagination={{ pageSize: 6, hideOnSinglePage: true }}
              locale={{ emptyText: '暂无数据' }}
              columns={[
                { title: '名称', render: (_, r) => <Link to={`/partnerships/${r.id}`}>{r.name}</Link> },
                { title: '状态', render: (_, r) => <Tag color={HEALTH_TAG[r.health] ?? 'default'}>{r.healthLabel}</Tag> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="未销号整改单">
            <Table
              size="small"
              rowKey="id"
              dataSource={data.openRectifications}
              pagination={{ pageSize: 6, hideOnSinglePage: true }}
              locale={{ emptyText: '暂无未销号整改' }}
              columns={[
                { title: '事项', dataIndex: 'title' },
                { title: '学校', dataIndex: 'organizationName' },
                { title: '期限', render: (_, r) => (r.overdue ? <Tag color="red">{r.deadline} 逾期{r.daysOverdue}天</Tag> : r.deadline) },
                { title: '状态', render: (_, r) => RECT_STATUS[r.status] ?? r.status },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {data.overdueMeasures.length > 0 && (
        <Alert
          type="warning"
          showIcon
          message={`逾期措施 ${data.overdueMeasures.length} 项`}
          description={data.overdueMeasures.slice(0, 5).map((m) => `${m.schoolName}：${m.title}（逾期 ${m.daysOverdue} 天）`).join('；')}
        />
      )}
      <Card size="small" title="指标明细">
        <Table
          size="small"
          rowKey="key"
          dataSource={data.indicators.items}
          pagination={false}
          scroll={{ x: 560 }}
          columns={[
            { title: '指标', dataIndex: 'nameZh' },
            { title: '目标', render: (_, i) => (i.target === null ? '—' : `${i.direction === 'at_most' ? '≤' : '≥'}${i.target}${i.unit}`) },
            { title: '当前', render: (_, i) => (i.value === null ? '暂无数据' : i.basis === 'rollup' ? `下级达标占比 ${i.value}%` : `${i.value}${i.valueUnit}`) },
            { title: '状态', render: (_, i) => <Tag color={i.status === 'on_target' ? 'green' : i.status === 'off_target' ? 'red' : 'default'}>{INDICATOR_STATUS[i.status] ?? i.status}</Tag> },
          ]}
        />
      </Card>
    </Space>
  );
}

function buildReportPath(s: Dashboard['scope']): string {
  return s.level === 'county' && s.county ? `/api/v1/reports/supervision.xlsx?countyId=${s.county.id}` : '/api/v1/reports/supervision.xlsx';
}
