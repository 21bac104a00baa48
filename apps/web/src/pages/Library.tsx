import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Input, Select, Space } from 'antd';
import { api } from '../api';
import { useDebounced } from '../hooks';
import { GRADES, RESOURCE_TYPES, SUBJECTS } from '../labels';
import { App } from 'antd';
import { ApiError } from '../api';
import { ResourceList, type ResourceSummary } from '../components/ResourceList';

interface SearchPage { items: ResourceSummary[]; nextCursor: string | null }

export default function Library() {
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const [subject, setSubject] = useState<string>();
  const [grade, setGrade] = useState<string>();
  const [type, setType] = useState<string>();
  const [sort, setSort] = useState<string>();
  const [items, setItems] = useState<ResourceSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const query = useDebounced(q, 300);
  const seq = useRef(0);

  const fetchPage = async (after: string | null) => {
    // Typing fires several searches; only the latest one's answer may land (answers can arrive out of order).
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api<SearchPage>('resources', { query: { q: query, subject, grade, type, sort, limit: 20, cursor: after } });
      if (mine !== seq.current) return;
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === seq.current) message.error(e instanceof ApiError ? e.message : '网络连接失败');
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };
  useEffect(() => {
    void fetchPage(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, subject, grade, type, sort]);

  return (
    <Card title="市级优质教学资源库" extra={<Link to="/library/upload">上传资源</Link>}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input.Search
          aria-label="搜索资源"
          placeholder="输入关键词搜索，如：函数、二轮复习"
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          loading={loading}
          size="large"
        />
        <Space wrap>
          <Select aria-label="学科" placeholder="学科" allowClear style={{ width: 130 }} value={subject} onChange={setSubject} options={SUBJECTS.map((s) => ({ value: s, label: s }))} />
          <Select aria-label="年级" placeholder="年级" allowClear style={{ width: 100 }} value={grade} onChange={setGrade} options={GRADES.map((s) => ({ value: s, label: s }))} />
          <Select
            aria-label="类型"
            placeholder="类型"
            allowClear
            style={{ width: 110 }}
            value={type}
            onChange={setType}
            options={Object.entries(RESOURCE_TYPES).map(([value, label]) => ({ value, label }))}
          />
          <Select
            aria-label="排序"
            placeholder="排序"
            allowClear
            style={{ width: 130 }}
            value={sort}
            onChange={setSort}
            options={[
              { value: 'newest', label: '最新发布' },
              { value: 'downloads', label: '下载最多' },
            ]}
          />
        </Space>
        <ResourceList items={items} loading={loading && items.length === 0} />
        {cursor && (
          <Button block onClick={() => fetchPage(cursor)} loading={loading}>
            加载更多
          </Button>
        )}
      </Space>
    </Card>
  );
}
