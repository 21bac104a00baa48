import { useRef, useState } from 'react';
import { Select } from 'antd';
import { api, type Page } from '../api';
import { useDebounced, useLoad } from '../hooks';

interface Option {
  value: string;
  label: string;
}

type Choice = { multiple: true; max: number; value?: string[]; onChange?: (v: string[]) => void } | { multiple?: false; value?: string; onChange?: (v: string | undefined) => void };
type SearchSelectProps = Choice & {
  /** The options matching what was typed ('' for the first ones). */
  search: (q: string) => Promise<Option[]>;
  /** Changes when `search` would answer differently for the same text. */
  searchKey: string;
  /** Labels of values chosen before (an edit form), shown before any search has found them. */
  labels?: Record<string, string>;
  id?: string;
  disabled?: boolean;
  placeholder?: string;
};

/**
 * Records picked by name as one types (registries hold more than a page, and the api lists only what the caller may
 * see). Labels of chosen records are remembered, so a choice keeps its name when the search moves on. Works as a
 * Form.Item control (value / onChange).
 */
function SearchSelect(props: SearchSelectProps) {
  const [q, setQ] = useState('');
  const debounced = useDebounced(q, 250);
  const found = useLoad(() => props.search(debounced), [debounced, props.searchKey]);
  const known = useRef(new Map<string, string>(Object.entries(props.labels ?? {})));
  for (const o of found.data ?? []) known.current.set(o.value, o.label);
  const chosen = props.multiple ? (props.value ?? []) : props.value ? [props.value] : [];
  const values = new Set([...(found.data ?? []).map((o) => o.value), ...chosen]);
  const common = {
    id: props.id,
    disabled: props.disabled,
    showSearch: true,
    filterOption: false,
    onSearch: setQ,
    onBlur: () => setQ(''),
    loading: found.loading,
    options: [...values].map((value) => ({ value, label: known.current.get(value) ?? value })),
    placeholder: props.placeholder ?? '输入名称查找',
  };
  if (props.multiple) {
    const { max, onChange } = props;
    return <Select {...common} mode="multiple" value={props.value} onChange={(v: string[]) => onChange?.(v.slice(0, max))} />;
  }
  return <Select {...common} allowClear value={props.value} onChange={(v: string | undefined) => props.onChange?.(v)} />;
}

type PickerProps<Extra> = Choice & { id?: string; disabled?: boolean; labels?: Record<string, string> } & Extra;

/** Organizations of the given kinds. */
export function OrgSelect({ kinds, ...rest }: PickerProps<{ kinds: string[] }>) {
  const search = async (q: string) => {
    const page = await api<Page<{ id: string; name: string; kind: string; countyName?: string | null }>>('organizations', {
      query: { kind: kinds.length === 1 ? kinds[0] : undefined, q: q || undefined, limit: 50 },
    });
    return page.items.filter((o) => kinds.includes(o.kind)).map((o) => ({ value: o.id, label: o.countyName ? `${o.countyName} · ${o.name}` : o.name }));
  };
  return <SearchSelect {...rest} search={search} searchKey={kinds.join()} />;
}

/** Active accounts of the given roles, shown with their unit. */
export function UserSelect({ roles, ...rest }: PickerProps<{ roles: string[] }>) {
  const search = async (q: string) => {
    const page = await api<Page<{ id: string; name: string; role: string; active: boolean; organization: { name: string } }>>('users', {
      query: { role: roles.length === 1 ? roles[0] : undefined, q: q || undefined, limit: 50 },
    });
    return page.items.filter((u) => u.active && roles.includes(u.role)).map((u) => ({ value: u.id, label: `${u.name}（${u.organization.name}）` }));
  };
  return <SearchSelect {...rest} search={search} searchKey={roles.join()} placeholder="输入姓名查找" />;
}
