import { useState } from 'react';
import { Alert, Button, Space, Table, Upload } from 'antd';
import { ApiError, api, download } from '../api';
import { useAction } from '../hooks';

interface RowError {
  row: number;
  errors: { column: string; message: string }[];
}

export interface ImportTemplate {
  label: string;
  path: string;
  filename: string;
}

/**
 * A spreadsheet import (schools, plan measures): template downloads, a file picker that posts the file as `file`,
 * then either the success line or the API's message with every bad row. The api checks the whole sheet first and
 * writes nothing when a row is wrong, so the table lists all that needs fixing.
 */
export default function SpreadsheetImport<T>({
  templates,
  uploadPath,
  accept,
  success,
  onImported,
}: {
  templates: ImportTemplate[];
  uploadPath: string;
  accept: string;
  success: (result: T) => string;
  onImported?: (result: T) => void;
}) {
  const act = useAction();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ message: string; rows: RowError[]; invalidRows?: number } | null>(null);
  const upload = async (file: File) => {
    setBusy(true);
    setDone(null);
    setFailure(null);
    const fd = new FormData();
    fd.set('file', file);
    try {
      const result = await api<T>(uploadPath, { method: 'POST', form: fd });
      setDone(success(result));
      onImported?.(result);
    } catch (e) {
      const details = (e instanceof ApiError ? e.details : undefined) as { rows?: RowError[]; invalidRows?: number } | undefined;
      setFailure({ message: e instanceof ApiError ? e.message : '网络连接失败', rows: details?.rows ?? [], invalidRows: details?.invalidRows });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        {templates.map((tpl) => (
          <Button key={tpl.path} loading={act.busy} onClick={() => act.run(() => download(tpl.path, tpl.filename))}>
            {tpl.label}
          </Button>
        ))}
        <Upload accept={accept} showUploadList={false} beforeUpload={(f) => (upload(f), false)}>
          <Button type="primary" loading={busy}>
            选择文件并导入
          </Button>
        </Upload>
      </Space>
      {done && <Alert type="success" showIcon message={done} />}
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
  );
}
