import { Card, Space, Typography } from 'antd';
import SpreadsheetImport from '../components/SpreadsheetImport';

interface Result { created: number; updated: number; statsUpserted: number; rows: number }

export default function SchoolImport() {
  return (
    <Card title="学校名录批量导入（.xlsx / .csv）">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>按模板填写学校信息与学年数据，整表校验通过后一次写入；有错误时不写入任何一行，并列出每行的问题。</Typography.Paragraph>
        <SpreadsheetImport<Result>
          accept=".xlsx,.csv"
          uploadPath="organizations/import"
          templates={[
            { label: '下载 .xlsx 模板', path: '/api/v1/organizations/import/template?format=xlsx', filename: '学校导入模板.xlsx' },
            { label: '下载 .csv 模板', path: '/api/v1/organizations/import/template?format=csv', filename: '学校导入模板.csv' },
          ]}
          success={(r) => `导入成功：共 ${r.rows} 行，新增 ${r.created} 所，更新 ${r.updated} 所，学年数据 ${r.statsUpserted} 条`}
        />
      </Space>
    </Card>
  );
}
