import { HttpStatus } from '@nestjs/common';

/**
 * Every stable error code the api returns, its HTTP status and a default message a Chinese-speaking
 * teacher can read. Contexts add their codes here so the mapping stays in one place.
 */
export const ERROR_CODES = {
  // generic request problems
  VALIDATION_FAILED: { status: HttpStatus.BAD_REQUEST, message: '提交的数据不符合要求' },
  MALFORMED_JSON: { status: HttpStatus.BAD_REQUEST, message: '请求内容不是有效的 JSON' },
  BAD_REQUEST: { status: HttpStatus.BAD_REQUEST, message: '请求无效' },
  PAYLOAD_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: '提交的内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: HttpStatus.UNSUPPORTED_MEDIA_TYPE, message: '不支持的内容类型' },
  ROUTE_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '请求的地址不存在' },
  RATE_LIMITED: { status: HttpStatus.TOO_MANY_REQUESTS, message: '操作过于频繁，请稍后再试' },
  CONFLICT: { status: HttpStatus.CONFLICT, message: '数据冲突，请刷新后重试' },
  INTERNAL_ERROR: { status: HttpStatus.INTERNAL_SERVER_ERROR, message: '服务器内部错误，请稍后再试' },
  SERVICE_UNAVAILABLE: { status: HttpStatus.SERVICE_UNAVAILABLE, message: '服务暂时不可用' },

  // authentication and access
  AUTH_REQUIRED: { status: HttpStatus.UNAUTHORIZED, message: '请先登录' },
  AUTH_INVALID_CREDENTIALS: { status: HttpStatus.UNAUTHORIZED, message: '用户名或密码错误' },
  AUTH_TOKEN_INVALID: { status: HttpStatus.UNAUTHORIZED, message: '登录凭证无效或已过期，请重新登录' },
  AUTH_REFRESH_INVALID: { status: HttpStatus.UNAUTHORIZED, message: '刷新凭证无效或已过期，请重新登录' },
  AUTH_REFRESH_REUSED: { status: HttpStatus.UNAUTHORIZED, message: '刷新凭证已被使用，为安全起见已注销该登录，请重新登录' },
  AUTH_ACCOUNT_DISABLED: { status: HttpStatus.FORBIDDEN, message: '账号已停用' },
  AUTH_RATE_LIMITED: { status: HttpStatus.TOO_MANY_REQUESTS, message: '登录尝试次数过多，请稍后再试' },
  ACCESS_DENIED: { status: HttpStatus.FORBIDDEN, message: '没有权限执行此操作' },
  OUT_OF_SCOPE: { status: HttpStatus.FORBIDDEN, message: '该数据不在您的管理范围内' },

  // accounts
  USER_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '用户不存在' },
  USERNAME_TAKEN: { status: HttpStatus.CONFLICT, message: '用户名已被使用' },
  PHONE_TAKEN: { status: HttpStatus.CONFLICT, message: '手机号已被使用' },
  ROLE_NOT_ALLOWED_FOR_ORGANIZATION: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该角色不能属于此类单位' },
  CURRENT_PASSWORD_INCORRECT: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '当前密码不正确' },
  CANNOT_DEACTIVATE_SELF: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '不能停用自己的账号' },
  CANNOT_RESET_OWN_PASSWORD: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '请通过“修改密码”更改自己的密码' },

  // organizations
  ORGANIZATION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '单位不存在' },
  ORGANIZATION_NAME_TAKEN: { status: HttpStatus.CONFLICT, message: '单位名称已存在' },
  ORGANIZATION_CODE_TAKEN: { status: HttpStatus.CONFLICT, message: '学校代码已被其他单位使用' },
  ORGANIZATION_NOT_A_SCHOOL: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该单位不是学校' },
  COUNTY_NOT_FOUND: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '所属县区不存在' },
  IMPORT_INVALID_FILE: { status: HttpStatus.BAD_REQUEST, message: '无法读取导入文件，请使用 .xlsx 或 .csv 模板' },
  IMPORT_ROWS_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '导入文件中有错误的行，未导入任何数据' },
  FILE_REQUIRED: { status: HttpStatus.BAD_REQUEST, message: '请选择要上传的文件' },

  // storage and jobs
  OBJECT_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '文件不存在' },
  SIGNED_URL_INVALID: { status: HttpStatus.FORBIDDEN, message: '下载或上传链接无效或已过期' },
  UPLOAD_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '上传任务不存在或已结束' },
  UPLOAD_PART_INVALID: { status: HttpStatus.BAD_REQUEST, message: '分片无效' },
  RANGE_NOT_SATISFIABLE: { status: HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, message: '请求的字节范围无效' },
  JOB_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '任务不存在' },

  // notifications
  NOTIFICATION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '通知不存在' },

  // dashboards and reports
  ORGANIZATION_NOT_A_COUNTY: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该单位不是县区' },
  DASHBOARD_SCHOOL_OUTSIDE_COUNTY: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '所选学校不属于所选县区' },

  // plans (一校一策)
  PLAN_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '规划不存在' },
  PLAN_TERM_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '年度无效' },
  PLAN_ACTIVE_EXISTS: { status: HttpStatus.CONFLICT, message: '该学校在此年度已有一个执行中的“一校一策”规划' },
  PLAN_ARCHIVED: { status: HttpStatus.CONFLICT, message: '该规划已归档，不能再修改' },
  PLAN_SCHOOL_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '“一校一策”规划只能为学校制定' },
  MEASURE_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '措施不存在' },
  MEASURE_UNIT_NOT_FOUND: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '牵头单位或配合单位不存在' },
  MEASURE_INDICATOR_NOT_FOUND: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '关联的指标不存在' },
  MEASURE_DATES_OUT_OF_ORDER: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '开始日期不能晚于完成时限' },
  MEASURE_STATUS_NOT_ALLOWED: { status: HttpStatus.CONFLICT, message: '不能把措施改为该状态' },
  MEASURE_CLOSED: { status: HttpStatus.CONFLICT, message: '该措施已办结，不能再修改' },
  MEASURE_REVIEW_PENDING: { status: HttpStatus.CONFLICT, message: '该措施的办结申请正在等待审核' },
  MEASURE_NOT_AWAITING_REVIEW: { status: HttpStatus.CONFLICT, message: '该措施没有待审核的办结申请' },
  MEASURE_EVIDENCE_REQUIRED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '申请办结前请至少上传一份佐证材料' },
  MEASURE_REJECTION_REASON_REQUIRED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '退回时必须填写理由' },
  EVIDENCE_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '佐证材料不存在' },
  EVIDENCE_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: '佐证材料文件过大' },

  // indicators
  INDICATOR_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '指标不存在' },
  INDICATOR_COMPUTED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该指标由学校年度统计数据自动计算，请修改学校的年度数据' },
  INDICATOR_LEVEL_MISMATCH: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该指标不适用于此类单位（学校、县区或市级）' },
  INDICATOR_VALUE_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '指标值无效：完成类指标只能填 1（已完成）或 0（未完成）' },
  INDICATOR_YEAR_IN_FUTURE: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '不能填报尚未开始的学年的指标值' },
  INDICATORS_NOT_APPLICABLE: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该单位没有需要监测的指标' },

  // supervision
  RECTIFICATION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '整改通知不存在' },
  RECTIFICATION_TARGET_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '整改只能下达给学校或县区' },
  RECTIFICATION_DEADLINE_IN_PAST: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '整改期限不能早于今天' },
  RECTIFICATION_TRANSITION_NOT_ALLOWED: { status: HttpStatus.CONFLICT, message: '整改通知当前状态不允许此操作' },
  RECTIFICATION_REASON_REQUIRED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '退回整改材料时必须填写理由' },

  // partnerships
  PARTNERSHIP_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '帮扶关系不存在' },
  PARTNERSHIP_NAME_TAKEN: { status: HttpStatus.CONFLICT, message: '帮扶关系名称已存在' },
  PARTNERSHIP_PARTIES_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '帮扶方或受援方不符合该帮扶形式的要求' },
  PARTNERSHIP_GROUP_MODEL_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '集团化办学模式与成员学校不符' },
  PARTNERSHIP_DATE_RANGE_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '开始日期不能晚于结束日期，且须在帮扶期限之内' },
  PARTNERSHIP_TRANSITION_NOT_ALLOWED: { status: HttpStatus.CONFLICT, message: '帮扶关系当前状态不允许此变更' },
  PARTNERSHIP_NOT_ACTIVE: { status: HttpStatus.CONFLICT, message: '该帮扶关系当前不在实施中' },
  PARTNERSHIP_CONCLUDED: { status: HttpStatus.CONFLICT, message: '该帮扶关系已结束，不能再修改' },
  PARTNERSHIP_TERM_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '帮扶学期不存在' },
  PARTNERSHIP_TERM_OVERLAP: { status: HttpStatus.CONFLICT, message: '该时段与已有的帮扶学期重叠或名称重复' },
  PARTNERSHIP_OBLIGATION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '帮扶任务不存在' },
  PARTNERSHIP_OBLIGATION_EXISTS: { status: HttpStatus.CONFLICT, message: '该学期已有同类帮扶任务' },
  PARTNERSHIP_TEAM_MEMBER_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '派驻人员不存在' },
  PARTNERSHIP_VISIT_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '到校指导记录无效：须为受援学校，日期须在帮扶期限内且不晚于今天' },
  PARTNERSHIP_COMMENDATION_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '表彰对象无效' },
  FUND_NOT_SET: { status: HttpStatus.CONFLICT, message: '该帮扶关系尚未设立专项资金' },
  FUND_BUDGET_EXCEEDED: { status: HttpStatus.CONFLICT, message: '拨付金额超过专项资金剩余额度' },
  FUND_BUDGET_BELOW_DISBURSED: { status: HttpStatus.CONFLICT, message: '专项资金预算不能低于已拨付金额' },

  // resources (资源库 core)
  RESOURCE_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '资源不存在或无权查看' },
  RESOURCE_ACCESS_DENIED: { status: HttpStatus.FORBIDDEN, message: '没有权限修改此资源' },
  RESOURCE_VERSION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '资源版本不存在' },
  RESOURCE_NO_CONTENT: { status: HttpStatus.CONFLICT, message: '资源尚无可下载的文件' },
  RESOURCE_BUSY: { status: HttpStatus.CONFLICT, message: '资源文件正在上传或处理中，请稍后再试' },
  RESOURCE_TRANSITION_NOT_ALLOWED: { status: HttpStatus.CONFLICT, message: '资源当前状态不允许此操作' },
  RESOURCE_REJECT_REASON_REQUIRED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '退回资源时必须填写理由' },
  RESOURCE_FILE_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: '文件超过允许的大小' },
  RESOURCE_FILE_EMPTY: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '文件内容为空' },
  RESOURCE_QUOTA_EXCEEDED: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: '超出本单位资源存储配额' },
  RESOURCE_SHA256_MISMATCH: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '文件校验值（SHA-256）与上传内容不符' },
  RESOURCE_SIZE_MISMATCH: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '文件大小与声明不符' },
  RESOURCE_TYPE_MISMATCH: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '文件实际类型与扩展名不符' },
  RESOURCE_TYPE_NOT_ALLOWED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '不允许上传此类文件（如可执行程序）' },
  RESOURCE_UPLOAD_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '上传任务不存在' },
  RESOURCE_UPLOAD_NOT_ACTIVE: { status: HttpStatus.CONFLICT, message: '上传任务已完成或已取消' },
  RESOURCE_UPLOAD_PARTS_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '分片不完整或与已上传的分片不符' },

  // resource pushes (推送)
  PUSH_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '推送不存在或无权查看' },
  PUSH_CONTENT_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '请选择要推送的资源或一个专题资源包（二选一）' },
  PUSH_TARGET_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '推送对象无效：请选择学校、全部薄弱学校或一个帮扶关系的受援学校' },
  PUSH_NO_TARGETS: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '没有符合条件的推送学校' },
  PUSH_RESOURCES_UNAVAILABLE: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '只能推送已发布且您可以查看的资源' },
  PUSH_RESOURCES_NOT_VISIBLE_TO_TARGETS: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '部分资源对推送学校不可见（如仅本校可见的资源），不能推送' },

  // resource search, collections (专题资源包) and favourites
  SEARCH_CURSOR_INVALID: { status: HttpStatus.BAD_REQUEST, message: '翻页参数无效，请从第一页重新查询' },
  COLLECTION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '专题资源包不存在或无权查看' },
  COLLECTION_ACCESS_DENIED: { status: HttpStatus.FORBIDDEN, message: '没有权限修改此专题资源包' },
  COLLECTION_VISIBILITY_NOT_ALLOWED: { status: HttpStatus.FORBIDDEN, message: '只有市、县区教育局可以发布全市可见的专题资源包' },
  COLLECTION_ITEM_EXISTS: { status: HttpStatus.CONFLICT, message: '该资源已在专题资源包中' },
  COLLECTION_ITEM_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '专题资源包中没有该资源' },
  COLLECTION_FULL: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '专题资源包中的资源数量已达上限' },
  COLLECTION_ITEM_NOT_PUBLISHED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '只能把已发布的资源加入专题资源包' },

  // research sessions
  RESEARCH_SESSION_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '教研活动不存在或无权查看' },
  RESEARCH_SESSION_CANCELLED: { status: HttpStatus.CONFLICT, message: '教研活动已取消' },
  RESEARCH_SESSION_ENDED: { status: HttpStatus.CONFLICT, message: '教研活动已结束' },
  RESEARCH_SESSION_ACCESS_DENIED: { status: HttpStatus.FORBIDDEN, message: '只有主持人、主办学校管理员或教育局管理员可以执行此操作' },
  LIVE_NOT_INVITED: { status: HttpStatus.FORBIDDEN, message: '您不在本次教研活动的邀请名单中' },
  RESEARCH_SESSION_TIMES_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '结束时间必须晚于开始时间' },
  RESEARCH_SESSION_HOST_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '主办单位不存在或不在您的管理范围内' },
  RESEARCH_SESSION_INVITEE_UNKNOWN: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '邀请的单位或人员不存在' },
  RESEARCH_SESSION_PARTNERSHIP_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '关联的帮扶关系不存在或与主办单位无关' },
  RESEARCH_SESSION_AGENDA_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '议程无效（议程序号或主讲人不正确）' },
  RESEARCH_SESSION_RESOURCE_UNAVAILABLE: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '关联的资源不存在或您无权查看' },
  RESEARCH_SESSION_NOT_EDITABLE: { status: HttpStatus.CONFLICT, message: '教研活动已开始、结束或取消，不能修改' },
  RESEARCH_SESSION_WINDOW_INVALID: { status: HttpStatus.BAD_REQUEST, message: '查询时间范围无效（结束须晚于开始，且不超过 366 天）' },
  RESEARCH_SESSION_NOT_STARTED: { status: HttpStatus.CONFLICT, message: '教研活动尚未开始，不能点名签到' },
  RESEARCH_SESSION_ROLL_CALL_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '签到时间无效：须在活动时间内，且离开时间晚于到场时间' },
  RESEARCH_SESSION_ROLL_CALL_NOT_INVITED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '签到人员不存在，或不是受邀人员或主办学校教职工' },
  CALENDAR_FEED_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '日历订阅地址无效' },

  // training
  TRAINING_USER_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '用户不存在' },
  TRAINING_ACCESS_DENIED: { status: HttpStatus.FORBIDDEN, message: '没有权限查看或登记该教师的培训学时' },
  TRAINING_RECORD_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '培训记录不存在或无权查看' },
  TRAINING_RECORD_NOT_MANUAL: { status: HttpStatus.CONFLICT, message: '教研活动自动生成的培训记录不能删除' },
  TRAINING_TARGET_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该用户已停用，不能登记培训学时' },
  TRAINING_DATE_IN_FUTURE: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '培训日期不能晚于今天' },
  TRAINING_COUNTY_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '县区不存在' },

  // live room
  LIVE_NOT_JOINED: { status: HttpStatus.FORBIDDEN, message: '请先进入该教研活动的直播间' },
  LIVE_ROOM_FULL: { status: HttpStatus.CONFLICT, message: '直播间人数已满' },
  LIVE_NOT_OPEN_YET: { status: HttpStatus.CONFLICT, message: '直播间将在活动开始前30分钟开放' },
  LIVE_EVENT_INVALID: { status: HttpStatus.BAD_REQUEST, message: '消息格式不正确' },
  LIVE_EVENT_UNKNOWN: { status: HttpStatus.BAD_REQUEST, message: '不支持的操作' },
  LIVE_ACK_REQUIRED: { status: HttpStatus.BAD_REQUEST, message: '该操作需要回执（acknowledgement）' },
  LIVE_RATE_LIMITED: { status: HttpStatus.TOO_MANY_REQUESTS, message: '发送过于频繁，请稍后再试' },
  LIVE_PAYLOAD_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: '发送的内容过大' },
  LIVE_MESSAGE_EMPTY: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '消息内容不能为空' },
  LIVE_MESSAGE_TOO_LONG: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '消息内容过长' },
  LIVE_MODERATOR_ONLY: { status: HttpStatus.FORBIDDEN, message: '只有主持人可以执行此操作' },

  // live room collaboration (hands, polls, shared resources, minutes, rubric)
  LIVE_HAND_NOT_RAISED: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '该用户没有举手' },
  LIVE_POLL_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '投票设置无效（题目不能为空，选项 2 至 10 个且互不相同）' },
  LIVE_POLL_NOT_FOUND: { status: HttpStatus.NOT_FOUND, message: '投票不存在' },
  LIVE_POLL_CLOSED: { status: HttpStatus.CONFLICT, message: '投票已结束' },
  LIVE_POLL_OPTION_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '投票选项不存在' },
  LIVE_POLL_ALREADY_VOTED: { status: HttpStatus.CONFLICT, message: '您已经投过票了' },
  LIVE_MINUTES_LOCKED: { status: HttpStatus.CONFLICT, message: '纪要已锁定，不能再修改' },
  LIVE_MINUTES_UPDATE_INVALID: { status: HttpStatus.BAD_REQUEST, message: '纪要更新数据无效' },
  LIVE_MINUTES_UPDATE_TOO_LARGE: { status: HttpStatus.PAYLOAD_TOO_LARGE, message: '单次纪要更新过大' },
  LIVE_RUBRIC_SCORES_INVALID: { status: HttpStatus.UNPROCESSABLE_ENTITY, message: '评分无效：每一项须为 1 至 10 的整数' },
} as const satisfies Record<string, { status: HttpStatus; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
