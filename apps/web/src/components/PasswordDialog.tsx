import { Form, Input, Modal } from 'antd';
import { changePassword } from '../api';
import { useAction } from '../hooks';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** 修改密码: the current password, the new one twice. The api checks the current one and the strength rule too. */
export default function PasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<Values>();
  const { busy, run } = useAction();
  const submit = async () => {
    const values = await form.validateFields();
    const done = await run(() => changePassword(values.currentPassword, values.newPassword).then(() => true), '密码已修改，其他设备上的登录已退出');
    if (done) {
      form.resetFields();
      onClose();
    }
  };
  return (
    <Modal
      open={open}
      title="修改密码"
      okText="确认修改"
      cancelText="取消"
      confirmLoading={busy}
      onOk={submit}
      onCancel={() => {
        form.resetFields();
        onClose();
      }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        <Form.Item name="currentPassword" label="当前密码" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <NewPasswordFields />
      </Form>
    </Modal>
  );
}

/**
 * The new password twice, checked here as the api checks it (at least 8 characters, letters and digits); for one's
 * own change and for an administrator's reset.
 */
export function NewPasswordFields({ extra = '至少 8 位，须同时包含字母和数字' }: { extra?: string }) {
  return (
    <>
      <Form.Item
        name="newPassword"
        label="新密码"
        extra={extra}
        rules={[
          { required: true, message: '请输入新密码' },
          { min: 8, message: '新密码至少 8 位' },
          { pattern: /(?=.*[A-Za-z])(?=.*\d)/, message: '新密码须同时包含字母和数字' },
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label="确认新密码"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: '请再次输入新密码' },
          ({ getFieldValue }) => ({
            validator: (_rule, value) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
