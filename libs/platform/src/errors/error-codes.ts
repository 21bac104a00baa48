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
} as const satisfies Record<string, { status: HttpStatus; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
