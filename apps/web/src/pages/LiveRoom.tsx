import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, App, Badge, Button, Card, Checkbox, Col, Empty, Input, InputNumber, List, Progress, Row, Select, Space, Steps, Tag, Typography } from 'antd';
import type * as Y from 'yjs';
import { api } from '../api';
import { useAuth } from '../auth';
import { useDebounced } from '../hooks';
import { ROLE_LABELS, RESOURCE_TYPES, shanghai } from '../labels';
import { applyTextEdit, useLiveRoom, type LiveRoom as Room, type PollState } from '../research/live-room';
import { shanghaiTime } from '../research/types';

const CONNECTION: Record<string, { text: string; status: 'success' | 'processing' | 'warning' | 'error' | 'default' }> = {
  connecting: { text: '正在连接…', status: 'processing' },
  connected: { text: '已连接', status: 'success' },
  reconnecting: { text: '正在重新连接…', status: 'warning' },
  ended: { text: '活动已结束', status: 'default' },
  failed: { text: '无法进入', status: 'error' },
};

/** Runs a room request, showing the api's message on failure. */
function useRun(room: Room) {
  const { message } = App.useApp();
  return async (event: string, payload: Record<string, unknown>, ok?: string) => {
    try {
      const r = await room.request(event, payload);
      if (ok) message.success(ok);
      return r;
    } catch (e) {
      message.error((e as Error).message);
      return undefined;
    }
  };
}

function Chat({ room, me }: { room: Room; me?: string }) {
  const { state } = room;
  const [text, setText] = useState('');
  const listRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    listRef.current?.scrollTo({ top: listRef.current.scrollHeight });
  }, [state.messages.length, state.outgoing.length]);
  const send = () => {
    const t = text.trim();
    if (!t) return;
    room.sendChat(t);
    setText('');
  };
  return (
    <Card size="small" title="讨论区">
      <div ref={listRef} data-testid="chat-list" style={{ height: 280, overflowY: 'auto', padding: '0 4px' }} aria-live="polite">
        {state.missedTruncated && <Alert type="info" showIcon message="断线期间消息较多，只补回了最近的一部分" />}
        {state.messages.map((m) => (
          <div key={m.id} data-testid="chat-message" style={{ margin: '6px 0' }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {m.name} · {m.school} · {shanghaiTime(m.sentAt)}
            </Typography.Text>
            <div style={{ whiteSpace: 'pre-wrap', background: m.userId === me ? '#eff6ff' : '#f8fafc', borderRadius: 6, padding: '4px 8px', display: 'inline-block', maxWidth: '100%' }}>
              {m.text}
            </div>
          </div>
        ))}
        {state.outgoing.map((o) => (
          <div key={o.clientMsgId} data-testid="chat-outgoing" data-status={o.status} style={{ margin: '6px 0', opacity: 0.7 }}>
            <div style={{ whiteSpace: 'pre-wrap', background: '#eff6ff', borderRadius: 6, padding: '4px 8px', display: 'inline-block' }}>{o.text}</div>{' '}
            {o.status === 'pending' ? (
              <Tag>发送中…</Tag>
            ) : (
              <Space size={4}>
                <Tag color="red">发送失败{o.error ? `：${o.error}` : ''}</Tag>
                <Button size="small" onClick={() => room.retryChat(o.clientMsgId)}>
                  重发
                </Button>
              </Space>
            )}
          </div>
        ))}
        {!state.messages.length && !state.outgoing.length && <Empty description="还没有人发言" image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      </div>
      <Space.Compact style={{ width: '100%', marginTop: 8 }}>
        <Input
          aria-label="输入消息"
          placeholder="输入消息，回车发送"
          value={text}
          maxLength={2000}
          disabled={state.connection === 'ended'}
          onChange={(e) => setText(e.target.value)}
          onPressEnter={send}
        />
        <Button type="primary" onClick={send} disabled={state.connection === 'ended'}>
          发送
        </Button>
      </Space.Compact>
    </Card>
  );
}

/**
 * The shared minutes: a plain textarea bound to the Y.Text. Local edits become one delete + insert; remote updates
 * rewrite the value and keep the caret where it was relative to the text around it (Yjs relative positions).
 */
function Minutes({ room }: { room: Room }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const composing = useRef(false);
  const { minutes, doc, state } = room;
  useLayoutEffect(() => {
    const el = ref.current!;
    el.value = minutes.toString();
    const observer = (_e: Y.YTextEvent) => {
      // A local edit already shows in the textarea.
      if (el.value === minutes.toString()) return;
      const focused = document.activeElement === el;
      const [a, b] = [el.selectionStart, el.selectionEnd];
      // Positions were taken against the old text: map them through the change.
      let start = a;
      let end = b;
      let index = 0;
      for (const op of _e.delta) {
        if (op.retain) index += op.retain;
        else if (op.insert) {
          const n = typeof op.insert === 'string' ? op.insert.length : 1;
          if (index <= start) start += n;
          if (index <= end) end += n;
          index += n;
        } else if (op.delete) {
          if (index < start) start -= Math.min(op.delete, start - index);
          if (index < end) end -= Math.min(op.delete, end - index);
        }
      }
      el.value = minutes.toString();
      if (focused) el.setSelectionRange(start, end);
    };
    minutes.observe(observer);
    return () => minutes.unobserve(observer);
  }, [minutes, doc]);
  const locked = state.minutesLocked;
  return (
    <Card
      size="small"
      title={
        <Space>
          共享纪要{locked && <Tag color="orange">已锁定</Tag>}
        </Space>
      }
      extra={
        state.canModerate && (
          <Button size="small" onClick={() => room.request('minutes:lock', { sessionId: room.sessionId, locked: !locked }).catch(() => undefined)}>
            {locked ? '解锁' : '锁定'}
          </Button>
        )
      }
    >
      <textarea
        ref={ref}
        aria-label="共享纪要"
        data-testid="minutes"
        readOnly={locked || state.connection === 'ended'}
        onCompositionStart={() => {
          composing.current = true;
          room.holdMinutes(true);
        }}
        onCompositionEnd={(e) => {
          composing.current = false;
          applyTextEdit(minutes, e.currentTarget.value);
          room.holdMinutes(false);
        }}
        onInput={(e) => {
          // Mid-composition text (pinyin letters) is not the user's text yet: it lands at compositionend.
          if (!composing.current) applyTextEdit(minutes, e.currentTarget.value);
        }}
        rows={8}
        style={{ width: '100%', resize: 'vertical', border: '1px solid #d9d9d9', borderRadius: 6, padding: 8, fontFamily: 'inherit', fontSize: 14 }}
        placeholder="多人可同时编辑，修改实时同步"
      />
    </Card>
  );
}

function Hands({ room, me }: { room: Room; me?: string }) {
  const { state } = room;
  const run = useRun(room);
  const sid = room.sessionId;
  const raised = state.hands.queue.some((h) => h.userId === me);
  return (
    <Card
      size="small"
      title="举手发言"
      extra={
        <Space>
          {raised ? (
            <Button size="small" onClick={() => run('hand:lower', { sessionId: sid })}>
              放下手
            </Button>
          ) : (
            <Button size="small" type="primary" onClick={() => run('hand:raise', { sessionId: sid })} disabled={state.connection !== 'connected'}>
              举手
            </Button>
          )}
          {state.canModerate && state.hands.queue.length > 0 && (
            <Button size="small" onClick={() => run('hand:lowerAll', { sessionId: sid })}>
              全部放下
            </Button>
          )}
        </Space>
      }
    >
      {state.hands.speaker && (
        <Alert
          type="success"
          message={`正在发言：${state.hands.speaker.name}（${state.hands.speaker.school}）`}
          action={
            state.canModerate && (
              <Button size="small" onClick={() => run('hand:lower', { sessionId: sid, userId: state.hands.speaker!.userId })}>
                结束发言
              </Button>
            )
          }
          style={{ marginBottom: 8 }}
        />
      )}
      <List
        size="small"
        data-testid="hand-queue"
        dataSource={state.hands.queue}
        locale={{ emptyText: '暂无举手' }}
        renderItem={(h, i) => (
          <List.Item
            actions={
              state.canModerate
                ? [
                    <Button key="give" size="small" type="link" onClick={() => run('hand:give', { sessionId: sid, userId: h.userId })}>
                      请发言
                    </Button>,
                    <Button key="lower" size="small" type="link" onClick={() => run('hand:lower', { sessionId: sid, userId: h.userId })}>
                      放下
                    </Button>,
                  ]
                : []
            }
          >
            ✋ {i + 1}. {h.name}（{h.school}）
          </List.Item>
        )}
      />
    </Card>
  );
}

function Poll({ room, p }: { room: Room; p: PollState }) {
  const run = useRun(room);
  const [choice, setChoice] = useState<number[]>([]);
  const [voted, setVoted] = useState(false);
  const open = p.status === 'open';
  const vote = async () => {
    let ok = true;
    for (const optionIndex of choice) ok = !!(await run('poll:vote', { pollId: p.poll.id, optionIndex })) && ok;
    if (ok) setVoted(true);
  };
  return (
    <div data-testid="poll" style={{ borderTop: '1px solid #f0f0f0', padding: '8px 0' }}>
      <Space>
        <Typography.Text strong>{p.poll.question}</Typography.Text>
        <Tag color={open ? 'green' : 'default'}>{open ? '进行中' : '已结束'}</Tag>
        <Typography.Text type="secondary">{p.voters} 人投票</Typography.Text>
      </Space>
      {p.poll.options.map((o, i) => (
        <div key={i} style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          {open && !voted && (
            <Checkbox
              aria-label={o}
              checked={choice.includes(i)}
              onChange={(e) => setChoice((c) => (e.target.checked ? (p.poll.multiple ? [...c, i] : [i]) : c.filter((x) => x !== i)))}
            />
          )}
          <span style={{ minWidth: 80 }}>{o}</span>
          <Progress percent={p.totalVotes ? Math.round((p.tallies[i] / p.totalVotes) * 100) : 0} format={() => `${p.tallies[i]} 票`} style={{ flex: 1, margin: 0 }} />
        </div>
      ))}
      <Space style={{ marginTop: 4 }}>
        {open && !voted && (
          <Button size="small" type="primary" disabled={!choice.length} onClick={vote}>
            投票
          </Button>
        )}
        {room.state.canModerate && open && (
          <Button size="small" onClick={() => run('poll:close', { pollId: p.poll.id })}>
            结束投票
          </Button>
        )}
      </Space>
    </div>
  );
}

function Polls({ room }: { room: Room }) {
  const run = useRun(room);
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState('');
  const [multiple, setMultiple] = useState(false);
  const create = async () => {
    const opts = options.split('\n').map((o) => o.trim()).filter(Boolean);
    if (await run('poll:create', { sessionId: room.sessionId, question: question.trim(), options: opts, multiple }, '投票已发起')) {
      setQuestion('');
      setOptions('');
    }
  };
  return (
    <Card size="small" title="投票">
      {room.state.polls.length === 0 && <Typography.Text type="secondary">暂无投票</Typography.Text>}
      {room.state.polls.map((p) => (
        <Poll key={p.poll.id} room={room} p={p} />
      ))}
      {room.state.canModerate && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 8 }}>
          <Input aria-label="投票问题" placeholder="投票问题" value={question} onChange={(e) => setQuestion(e.target.value)} maxLength={200} />
          <Input.TextArea aria-label="投票选项" placeholder="选项，每行一个（2–10 个）" rows={3} value={options} onChange={(e) => setOptions(e.target.value)} />
          <Space>
            <Checkbox checked={multiple} onChange={(e) => setMultiple(e.target.checked)}>
              可多选
            </Checkbox>
            <Button size="small" type="primary" disabled={!question.trim() || options.split('\n').filter((o) => o.trim()).length < 2} onClick={create}>
              发起投票
            </Button>
          </Space>
        </Space>
      )}
    </Card>
  );
}

function Rubric({ room }: { room: Room }) {
  const { rubric } = room.state;
  const run = useRun(room);
  const [scores, setScores] = useState<Record<string, number | null>>({});
  const [comment, setComment] = useState('');
  useEffect(() => {
    if (rubric.mine) {
      setScores(rubric.mine.scores);
      setComment(rubric.mine.comment ?? '');
    }
  }, [rubric.mine]);
  const complete = rubric.criteria.length > 0 && rubric.criteria.every((c) => typeof scores[c.key] === 'number');
  const submit = () => run('rubric:score', { sessionId: room.sessionId, scores, comment: comment || undefined }, '评分已提交');
  const agg = rubric.aggregate;
  return (
    <Card size="small" title="听课评价" extra={agg?.overall != null && <Tag color="blue">综合 {agg.overall} 分（{agg.scorecards} 人）</Tag>}>
      {rubric.criteria.map((c) => {
        const a = agg?.criteria.find((x) => x.key === c.key);
        return (
          <div key={c.key} style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 6, flexWrap: 'wrap' }}>
            <span style={{ width: 110 }}>
              {c.label}（{c.weight}%）
            </span>
            <InputNumber
              aria-label={`${c.label}评分`}
              size="small"
              min={rubric.scale.min}
              max={rubric.scale.max}
              precision={0}
              value={scores[c.key] ?? null}
              onChange={(v) => setScores((s) => ({ ...s, [c.key]: v }))}
            />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              平均 {a?.mean ?? '—'}
            </Typography.Text>
          </div>
        );
      })}
      <Input.TextArea aria-label="评语" placeholder="评语（选填）" rows={2} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} />
      <Button size="small" type="primary" style={{ marginTop: 6 }} disabled={!complete || room.state.connection !== 'connected'} onClick={submit}>
        {rubric.mine ? '更新评分' : '提交评分'}
      </Button>
    </Card>
  );
}

/**
 * Resources shown to the whole room: anyone in the room shares one they may see (the api checks; the others open it
 * through the library, where their own access is checked again). The picker searches the library as you type.
 */
function Shares({ room }: { room: Room }) {
  const { state } = room;
  const run = useRun(room);
  const [q, setQ] = useState('');
  const query = useDebounced(q);
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [picked, setPicked] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api<{ items: { id: string; title: string }[] }>('resources', { query: { q: query || undefined, limit: 10 } })
      .then((page) => live && setOptions(page.items.map((r) => ({ value: r.id, label: r.title }))))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, [query]);
  const share = async () => {
    if (!picked) return;
    setBusy(true);
    const ok = await run('resource:share', { sessionId: room.sessionId, resourceId: picked }, '已共享给全体参会者');
    setBusy(false);
    if (ok) setPicked(undefined);
  };
  return (
    <Card size="small" title="共享资源">
      {state.connection === 'connected' && (
        <Space.Compact style={{ width: '100%', marginBottom: state.shares.length ? 8 : 0 }}>
          <Select
            aria-label="选择要共享的资源"
            showSearch
            filterOption={false}
            placeholder="搜索资源库"
            value={picked}
            options={options}
            onSearch={setQ}
            onChange={setPicked}
            style={{ flex: 1, minWidth: 0 }}
            notFoundContent="没有可共享的资源"
          />
          <Button type="primary" disabled={!picked} loading={busy} onClick={share}>
            共享
          </Button>
        </Space.Compact>
      )}
      {state.shares.length > 0 && (
        <List
          size="small"
          data-testid="shares"
          dataSource={state.shares}
          renderItem={(s) => (
            <List.Item>
              <Link to={`/library/${s.resource.id}`}>{s.resource.title}</Link> <Tag>{RESOURCE_TYPES[s.resource.type] ?? s.resource.type}</Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {s.sharedBy.name} · {shanghai(s.sharedAt)}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

export default function LiveRoomPage() {
  const { id = '' } = useParams();
  const { user } = useAuth();
  const room = useLiveRoom(id, user?.id);
  const { modal } = App.useApp();
  const { state } = room;
  const run = useRun(room);
  const conn = CONNECTION[state.connection];
  const agendaCount = state.agenda.length;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        size="small"
        title={
          <Space wrap>
            <span>直播教研室</span>
            <Typography.Text strong>{state.title}</Typography.Text>
          </Space>
        }
        extra={<Link to={`/research/${id}`}>活动详情</Link>}
      >
        <div style={{ marginBottom: 8 }}>
          <Badge status={conn.status} text={<span data-testid="connection-state" data-state={state.connection}>{conn.text}</span>} />
        </div>
        {state.connection === 'reconnecting' && (
          <Alert type="warning" showIcon message="正在重新连接…" description="网络中断，恢复后自动重新进入并补回断线期间的消息；未发出的消息会自动重发。" style={{ marginBottom: 8 }} />
        )}
        {state.connection === 'ended' && (
          <div data-testid="session-ended">
            <Alert
              type="info"
              showIcon
              message={state.endedReason === 'cancelled' ? '活动已取消，直播间已关闭' : '活动已结束，出勤与学时已结算'}
              description={<Link to={`/research/${id}`}>查看活动详情</Link>}
              style={{ marginBottom: 8 }}
            />
          </div>
        )}
        {state.connection === 'failed' && <Alert type="error" showIcon message={state.error ?? '无法进入直播间'} style={{ marginBottom: 8 }} />}
        {state.error && state.connection === 'connected' && <Alert type="warning" showIcon closable message={state.error} style={{ marginBottom: 8 }} />}
        {agendaCount > 0 && (
          <Typography.Paragraph style={{ marginBottom: 8 }}>
            当前议程：<strong data-testid="current-agenda">{state.agenda[state.currentAgendaIndex]?.title ?? '尚未开始'}</strong>
            {state.currentAgendaIndex >= 0 && `（${state.currentAgendaIndex + 1}/${agendaCount}）`}
          </Typography.Paragraph>
        )}
        {agendaCount > 0 && (
          <Steps size="small" current={state.currentAgendaIndex} items={state.agenda.map((a) => ({ title: a.title, description: a.minutes ? `${a.minutes} 分钟` : undefined }))} style={{ overflowX: 'auto' }} />
        )}
        {state.canModerate && state.connection === 'connected' && (
          <Space wrap style={{ marginTop: 8 }}>
            <Button size="small" disabled={state.currentAgendaIndex <= 0} onClick={() => run('agenda:advance', { sessionId: id, index: state.currentAgendaIndex - 1 })}>
              上一项议程
            </Button>
            <Button size="small" disabled={state.currentAgendaIndex >= agendaCount - 1} onClick={() => run('agenda:advance', { sessionId: id, index: state.currentAgendaIndex + 1 })}>
              {state.currentAgendaIndex < 0 ? '开始议程' : '下一项议程'}
            </Button>
            <Button
              size="small"
              danger
              onClick={() =>
                modal.confirm({
                  title: '结束活动？',
                  content: '结束后将结算出勤与学时，所有人离开直播间。',
                  okText: '结束',
                  cancelText: '取消',
                  onOk: () => run('session:end', { sessionId: id }),
                })
              }
            >
              结束活动
            </Button>
          </Space>
        )}
      </Card>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={15}>
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Chat room={room} me={user?.id} />
            <Minutes room={room} />
          </Space>
        </Col>
        <Col xs={24} lg={9}>
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Card size="small" title={`在线（${state.presence.length}）`}>
              <List
                size="small"
                data-testid="presence"
                dataSource={state.presence}
                renderItem={(p) => (
                  <List.Item data-testid="presence-item">
                    {p.name} <Typography.Text type="secondary">· {p.school} · {ROLE_LABELS[p.role] ?? p.role}</Typography.Text>
                  </List.Item>
                )}
              />
            </Card>
            <Hands room={room} me={user?.id} />
            <Polls room={room} />
            <Rubric room={room} />
            <Shares room={room} />
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
