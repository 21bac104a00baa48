import { useRef, useState } from 'react';
import { Select } from 'antd';
import { api, type Page } from '../api';
import { useDebounced, useLoad } from '../hooks';

interface Org {
  id: string;
  name: string;
  kind: string;
  countyName?: string | null;
}

type OrgSelectProps = { kinds: string[]; id?: string; disabled?: boolean; placeholder?: string } & (
  | { multiple: true; max: number; value?: string[]; onChange?: (v: string[]) => void }
  | { multiple?: false; value?: string; onChange?: (v: string | undefined) => void }
);

/**
 * Organizations of the given kinds, picked by name as one types (the registry holds more than a page, and the api
 * lists only what the caller may see). Names of chosen organizations are remembered, so a choice keeps its name
 * when the search moves on. Works as a Form.Item control (value / onChange).
 */
export function OrgSelect(props: OrgSelectProps) {
  const { kinds } = props;
  const [q, setQ] = useState('');
  const debounced = useDebounced(q, 250);
  const found = useLoad(
    () => api<Page<Org>>('organizations', { query: { kind: kinds.length === 1 ? kinds[0] : undefined, q: debounced || undefined, limit: 50 } }),
    [debounced, kinds.join()],
  );
  const known = useRef(new Map<string, string>());
  const fitting = (found.data?.items ?? []).filter((o) => kinds.includes(o.kind));
  for (const o of fitting) known.current.set(o.id, o.countyName ? `${o.countyName} · ${o.name}` : o.name);
  const chosen = props.multiple ? (props.value ?? []) : props.value ? [props.value] : [];
  const ids = new Set([...fitting.map((o) => o.id), ...chosen]);
  const common = {
    id: props.id,
    disabled: props.disabled,
    showSearch: true,
    filterOption: false,
    onSearch: setQ,
    onBlur: () => setQ(''),
    loading: found.loading,
    options: [...ids].map((oid) => ({ value: oid, label: known.current.get(oid) ?? oid })),
    placeholder: props.placeholder ?? '输入名称查找',
  };
  if (props.multiple) {
    const { max, onChange } = props;
    return <Select {...common} mode="multiple" value={props.value} onChange={(v: string[]) => onChange?.(v.slice(0, max))} />;
  }
  return <Select {...common} allowClear value={props.value} onChange={(v: string | undefined) => props.onChange?.(v)} />;
}
