import type { ReactNode } from 'react';
import { Form, Modal, type FormInstance } from 'antd';
import { useAction } from '../hooks';

/**
 * A dialog around a form: OK validates the fields, sends them, shows `success` (or the api's message when it says
 * no, keeping the dialog open with what was typed) and then calls onDone with what `send` returned. Pass `form` to
 * watch fields.
 */
export function FormModal<V = Record<string, unknown>, R = unknown>({
  open,
  title,
  okText,
  success,
  send,
  onClose,
  onDone,
  form: given,
  initialValues,
  width,
  children,
}: {
  open: boolean;
  title: ReactNode;
  okText: string;
  success: string | ((values: V) => string);
  send: (values: V) => Promise<R>;
  onClose: () => void;
  onDone: (result: R) => void;
  form?: FormInstance;
  initialValues?: Partial<V>;
  width?: number;
  children: ReactNode;
}) {
  const [own] = Form.useForm();
  const form = given ?? own;
  const act = useAction();
  const submit = async () => {
    const values = (await form.validateFields()) as V;
    // Wrapped, so that an answer without a body (204) still counts as done.
    const done = await act.run(async () => ({ result: await send(values) }), typeof success === 'function' ? success(values) : success);
    if (done) onDone(done.result);
  };
  return (
    <Modal open={open} title={title} okText={okText} onOk={submit} confirmLoading={act.busy} onCancel={onClose} width={width} destroyOnHidden>
      <Form form={form} layout="vertical" preserve={false} initialValues={initialValues}>
        {children}
      </Form>
    </Modal>
  );
}
