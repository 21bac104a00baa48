import { useState } from 'react';
import { Alert, Button, Card, Space, Table, Typography, Upload } from 'antd';
import { ApiError, api, download } from '../api';
import { useAction } from '../hooks';

interface RowError { row: number; errors: { column: string; message: string }[] }
interface Result { created: number; updated: number; statsUpserted: number; rows: number }

export default function SchoolImport() {
  const act = useAction();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [failure, setFailure] = useState<{ message: string; rows: RowError[]; invalidRows?: number } | null>(null);
  const upload = async (file: File) => {
    setBusy(true);
    setResult(null);
    setFailure(null);
    const fd = new FormData();
    fd.set('file', file);
    try {
      setResult(await api<Result>('organizations/import', { method: 'POST', form: fd }));
    } catch (e) {
      const details = (e instanceof ApiError ? e.details : undefined) as { rows?: RowError[]; invalidRows?: number } | undefined;
      setFailure({ message: e instanceof ApiError ? e.message : '网络连接失败', rows: details?.rows ?? [], invalidRows: details?.invalidRows });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="学校名录批量导入（.xlsx / .csv）">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>按模板填写学校信息与学年数据，整表校验通过后一次写入；有错误时不写入任何一行，并列出每行的问题。</Typography.Paragraph>
        <Space wrap>
          <Button loading={act.busy} onClick={() => act.run(() => download('/api/v1/organizations/import/template?format=xlsx', '学校导入模板.xlsx'))}>
            下载 .xlsx 模板
          </Button>
          <Button loading={act.busy} onClick={() => act.run(() => download('/api/v1/organizations/import/template?format=csv', '学校导入模板.csv'))}>
            下载 .csv 模板
          </Button>
          <Upload accept=".xlsx,.csv" showUploadList={false} beforeUpload={(f) => (upload(f), false)}>
            <Button type="primary" loading={busy}>
              选择文件并导入
            </Button>
          </Upload>
        </Space>
        {result && <Alert type="success" showIcon message={`导入成功：共 ${result.rows} 行，新增 ${result.created} 所，更新 ${result.updated} 所，学年数据 ${result.statsUpserted} 条`} />}
        {failure && (
          <>
            <Alert type="error" showIcon message={failure.message} description={failure.invalidRows ? `共 ${failure.invalidRows} 行有问题，未写入任何数据` : undefined} />
            {failure.rows.length > 0 && (
              <Table
                size="small"
                rowKey="row"
                pagination={false}
                dataSource={failure.rows}
                columns={[
                  { title: '行号', dataIndex: 'row', width: 80 },
                  { title: '问题', render: (_, r) => r.errors.map((e) => `${e.column}：${e.message}`).join('；') },
                ]}
              />
            )}
          </>
        )}
      </Space>
    </Card>
  );
}
